// Validates an OpenAPI document (a file) against the OpenAPI specification with
// @apidevtools/swagger-parser: the schema of its version (3.1 here) and the rules a schema cannot
// say (unique operation ids, path parameters that are declared, references that resolve).
// Usage: node openapi.mjs FILE
import SwaggerParser from "@apidevtools/swagger-parser";

const [file] = process.argv.slice(2);
try {
  const api = await SwaggerParser.validate(file);
  const paths = Object.keys(api.paths ?? {}).length;
  console.log(`valid OpenAPI ${api.openapi}: ${paths} paths`);
} catch (error) {
  console.log(`invalid: ${error.message}`);
  process.exit(1);
}

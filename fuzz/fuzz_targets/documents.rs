//! Any bytes, as a PDF, DOCX or ODT report, must give text or an error: never a crash, never
//! unbounded memory.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for name in ["report.pdf", "report.docx", "report.odt"] {
        let _ = witan_import::documents::extract(name, data);
    }
});

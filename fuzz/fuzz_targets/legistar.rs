//! Any text, as a Legistar Web API response or calendar page, must parse or fail cleanly.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let options = witan_fuzz::options();
    let _ = witan_import::legistar::parse(&text, "matter-5036", &options);
    let _ = witan_import::legistar::parse_calendar(&text, &options);
});

//! Any text, as an OParl object, list page or array, must parse or fail with a location.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = witan_import::oparl::parse(&text, None, &witan_fuzz::options());
});

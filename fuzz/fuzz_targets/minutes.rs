//! Any text, as a minutes file in any layout (text, HTML, front matter), must parse or fail
//! cleanly, and the carried-action linking must cope with whatever came out.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(mut parsed) = witan_import::minutes::parse(&text, &witan_fuzz::options()) {
        witan_import::minutes::link_carried_actions(&mut [&mut parsed]);
    }
});

//! Any bytes, as a PDF, DOCX or ODT report, must give text or an error: never a crash. (Memory
//! and time are bounded by the child process the server reads documents in, not by the readers.)
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for name in ["report.pdf", "report.docx", "report.odt"] {
        let media_type = witan_import::documents::media_type(name, data);
        let _ = witan_import::documents::text_of(media_type, data);
    }
});

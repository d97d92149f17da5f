//! The arXiv API's Atom answers as `papers import --arxiv` reads them: documents starting `<`
//! go to the Atom parser whatever follows.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let document =
        format!("<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">{text}");
    let _ = api::services::papers::import::parse_file(&document);
});

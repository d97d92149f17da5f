//! `papers import FILE`'s parser (the project's JSON, Hugging Face JSON, arXiv Atom, told apart
//! by content): any bytes are a clear error or records that hold together, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(records) = api::services::papers::import::parse_file(text) {
        for record in records {
            let id = record.paper.arxiv_id.as_str();
            assert!(api::services::papers::arxiv::ArxivId::parse(id).is_some());
            assert!(!record.paper.title.as_str().trim().is_empty());
        }
    }
});

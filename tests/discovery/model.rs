//! The embedding model run in process gives the reference implementation's vectors.

use serde_json::Value;

use api::services::discovery::model::{Model, Pooling};

use crate::support::process::minilm_dir;

fn cosine(a: &[f32], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| f64::from(*x) * y).sum();
    let norm_a: f64 = a.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    let norm_b: f64 = b.iter().map(|y| y.powi(2)).sum::<f64>().sqrt();
    dot / (norm_a * norm_b)
}

#[test]
fn the_model_gives_the_reference_implementations_vectors() {
    let Some(dir) = minilm_dir() else { return };
    let model = Model::load(&dir).expect("the model loads");
    assert_eq!(model.dimensions(), 384);
    assert_eq!(model.pooling(), Pooling::Mean);
    assert!(
        model
            .identity()
            .starts_with("all-MiniLM-L6-v2@53aa51172d14"),
        "{}",
        model.identity()
    );
    let fixture: Value =
        serde_json::from_str(include_str!("../data/embeddings/all-minilm-l6-v2.json"))
            .expect("the fixture");
    let cases = fixture["cases"].as_array().expect("cases");
    let texts: Vec<&str> = cases
        .iter()
        .map(|c| c["text"].as_str().expect("text"))
        .collect();
    // In one batch (padded to the longest) and one by one: the same vectors either way.
    let batch = model.embed(&texts).expect("a batch embeds");
    for (i, case) in cases.iter().enumerate() {
        let reference: Vec<f64> = (case["vector"].as_array().expect("vector").iter())
            .map(|x| x.as_f64().expect("a number"))
            .collect();
        let alone = model.embed(&[texts[i]]).expect("a text embeds");
        for (how, vector) in [("batch", &batch[i]), ("alone", &alone[0])] {
            assert_eq!(vector.len(), 384);
            let similarity = cosine(vector, &reference);
            assert!(similarity >= 0.999, "text {i} ({how}): cosine {similarity}");
            let norm: f32 = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
            assert!(
                (norm - 1.0).abs() < 1e-4,
                "normalised as the model asks: {norm}"
            );
        }
    }
}

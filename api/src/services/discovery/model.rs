//! A sentence-embedding model run in this process: a BERT encoder (MiniLM, BGE-small, …) read
//! from a folder in the layout of the model's Hub repository, with the pooling its
//! `1_Pooling/config.json` names and the normalisation its `modules.json` lists, as
//! sentence-transformers applies them.
//!
//! - `config.json`: the encoder's shape; `model.safetensors`: its weights (with or without the
//!   `bert.` prefix); `tokenizer.json`: its tokenizer, truncated to `max_seq_length` of
//!   `sentence_bert_config.json` (256 for all-MiniLM; the file's own truncation says 128) and
//!   padded to the longest text of a batch;
//! - `1_Pooling/config.json`: `pooling_mode_mean_tokens` (the mean of the token vectors, padding
//!   left out) or `pooling_mode_cls_token` (the first token's);
//! - `modules.json`: a `Normalize` module means unit-length vectors.
//!
//! The model's identity, recorded with every vector, is its name (the card's title, else the
//! folder's name) and the first 12 hex digits of its weights' SHA-256: another model, or other
//! weights under the same name, is another identity, whose papers are embedded anew.

use std::io::Read;
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

/// Why a model folder could not be used, or a text not embedded.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("{file}: {reason}")]
    File { file: String, reason: String },
    #[error("the model failed: {0}")]
    Run(String),
}

fn file_error(dir: &Path, file: &str) -> impl Fn(String) -> ModelError {
    let file = dir.join(file).display().to_string();
    move |reason| ModelError::File {
        file: file.clone(),
        reason,
    }
}

fn run_error(err: impl std::fmt::Display) -> ModelError {
    ModelError::Run(err.to_string())
}

/// How token vectors become one text vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pooling {
    /// The mean of the token vectors, padding left out (all-MiniLM).
    Mean,
    /// The first (`[CLS]`) token's vector (BGE).
    Cls,
}

#[derive(Deserialize)]
struct PoolingConfig {
    #[serde(default)]
    pooling_mode_mean_tokens: bool,
    #[serde(default)]
    pooling_mode_cls_token: bool,
}

#[derive(Deserialize)]
struct Module {
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Deserialize)]
struct SentenceConfig {
    max_seq_length: Option<usize>,
}

/// A loaded model.
pub struct Model {
    identity: String,
    name: String,
    dimensions: usize,
    pooling: Pooling,
    normalize: bool,
    bert: BertModel,
    tokenizer: Tokenizer,
}

impl Model {
    /// Loads the model in `dir`.
    pub fn load(dir: &Path) -> Result<Self, ModelError> {
        let read = |file: &str| {
            std::fs::read_to_string(dir.join(file))
                .map_err(|e| file_error(dir, file)(e.to_string()))
        };
        let config: Config = serde_json::from_str(&read("config.json")?)
            .map_err(|e| file_error(dir, "config.json")(e.to_string()))?;
        let pooling: PoolingConfig = serde_json::from_str(&read("1_Pooling/config.json")?)
            .map_err(|e| file_error(dir, "1_Pooling/config.json")(e.to_string()))?;
        let pooling = match (
            pooling.pooling_mode_mean_tokens,
            pooling.pooling_mode_cls_token,
        ) {
            (true, false) => Pooling::Mean,
            (false, true) => Pooling::Cls,
            _ => {
                let reason = "exactly one of mean or CLS pooling is supported".to_owned();
                return Err(file_error(dir, "1_Pooling/config.json")(reason));
            }
        };
        // Without `modules.json` the pooled vectors are used as they are.
        let normalize = match read("modules.json") {
            Ok(text) => serde_json::from_str::<Vec<Module>>(&text)
                .map_err(|e| file_error(dir, "modules.json")(e.to_string()))?
                .iter()
                .any(|m| m.kind.ends_with("Normalize")),
            Err(_) => false,
        };
        let window = read("sentence_bert_config.json")
            .ok()
            .and_then(|text| serde_json::from_str::<SentenceConfig>(&text).ok())
            .and_then(|c| c.max_seq_length)
            .unwrap_or(config.max_position_embeddings)
            .min(config.max_position_embeddings);
        let mut tokenizer = Tokenizer::from_file(dir.join("tokenizer.json"))
            .map_err(|e| file_error(dir, "tokenizer.json")(e.to_string()))?;
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: window,
                ..Default::default()
            }))
            .map_err(|e| file_error(dir, "tokenizer.json")(e.to_string()))?;
        tokenizer.with_padding(Some(PaddingParams {
            strategy: PaddingStrategy::BatchLongest,
            ..Default::default()
        }));
        let weights = dir.join("model.safetensors");
        let digest = file_digest(&weights).map_err(|e| file_error(dir, "model.safetensors")(e))?;
        let tensors =
            super::weights::load(&weights).map_err(|e| file_error(dir, "model.safetensors")(e))?;
        let vb = VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu);
        let bert = BertModel::load(vb, &config)
            .map_err(|e| file_error(dir, "model.safetensors")(e.to_string()))?;
        let name = card_title(dir).unwrap_or_else(|| {
            dir.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "model".into())
        });
        Ok(Self {
            identity: format!("{name}@{}", &digest[..12]),
            name,
            dimensions: config.hidden_size,
            pooling,
            normalize,
            bert,
            tokenizer,
        })
    }

    /// The model's identity: its name and a digest of its weights (`all-MiniLM-L6-v2@53aa51172d14`).
    pub fn identity(&self) -> &str {
        &self.identity
    }

    /// The model's name, as its card titles it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The length of its vectors.
    pub fn dimensions(&self) -> usize {
        self.dimensions
    }

    pub fn pooling(&self) -> Pooling {
        self.pooling
    }

    /// One vector per text, in order (unit-length when the model asks for it).
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, ModelError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(run_error)?;
        let column = |get: fn(&tokenizers::Encoding) -> &[u32]| -> Result<Tensor, ModelError> {
            let rows = encodings
                .iter()
                .map(|e| Tensor::new(get(e), &Device::Cpu))
                .collect::<Result<Vec<_>, _>>()
                .map_err(run_error)?;
            Tensor::stack(&rows, 0).map_err(run_error)
        };
        let ids = column(tokenizers::Encoding::get_ids)?;
        let mask = column(tokenizers::Encoding::get_attention_mask)?;
        let types = ids.zeros_like().map_err(run_error)?;
        let hidden = self
            .bert
            .forward(&ids, &types, Some(&mask))
            .map_err(run_error)?;
        let pooled = match self.pooling {
            Pooling::Cls => hidden.narrow(1, 0, 1).and_then(|t| t.squeeze(1)),
            Pooling::Mean => mean_pool(&hidden, &mask),
        }
        .map_err(run_error)?;
        let pooled = if self.normalize {
            let norms = pooled
                .sqr()
                .and_then(|t| t.sum_keepdim(1))
                .and_then(|t| t.sqrt())
                .map_err(run_error)?;
            pooled.broadcast_div(&norms).map_err(run_error)?
        } else {
            pooled
        };
        pooled.to_vec2::<f32>().map_err(run_error)
    }
}

/// The mean of the token vectors of each text, its padding left out.
fn mean_pool(hidden: &Tensor, mask: &Tensor) -> candle_core::Result<Tensor> {
    let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
    let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
    let counts = mask.sum(1)?;
    summed.broadcast_div(&counts)
}

/// The title of the model card (`# all-MiniLM-L6-v2` in `README.md`), if there is one.
fn card_title(dir: &Path) -> Option<String> {
    let card = std::fs::read_to_string(dir.join("README.md")).ok()?;
    card.lines()
        .find_map(|line| line.strip_prefix("# "))
        .map(|title| title.trim().to_owned())
        .filter(|title| !title.is_empty() && title.len() <= 100)
}

/// The SHA-256 of a file, in hex.
fn file_digest(path: &Path) -> Result<String, String> {
    let mut file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let read = file.read(&mut buffer).map_err(|e| e.to_string())?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hex::encode(hasher.finalize()))
}

//! Reads a `model.safetensors` file tensor by tensor, straight into each tensor's own memory.
//!
//! candle's own loader reads the whole file into one buffer and copies every tensor out of it,
//! so the server's peak memory held the weights twice (about 180 MB for all-MiniLM-L6-v2);
//! mapping the file instead is `unsafe` (the file must not change while mapped), which this
//! crate forbids. Here f32 tensors (the sentence-transformers models) are read into their final
//! `Vec<f32>` and handed to candle without a copy; other types go through one tensor-sized
//! buffer.
//!
//! The format: 8 bytes (little-endian u64) giving the header's length, the header (JSON: per
//! tensor its `dtype`, `shape` and `data_offsets` into the data that follows), the data.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use serde::Deserialize;

/// The largest header accepted (the format's own limit is 100 MB; a model's is a few KB).
const MAX_HEADER: u64 = 100 << 20;

#[derive(Deserialize)]
struct Entry {
    dtype: String,
    shape: Vec<usize>,
    data_offsets: (u64, u64),
}

/// Every tensor of the file, by name.
pub fn load(path: &Path) -> Result<HashMap<String, Tensor>, String> {
    let mut file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let size = file.metadata().map_err(|e| e.to_string())?.len();
    let mut length = [0u8; 8];
    file.read_exact(&mut length).map_err(|e| e.to_string())?;
    let length = u64::from_le_bytes(length);
    if length > MAX_HEADER || length.saturating_add(8) > size {
        return Err("not a safetensors file (bad header length)".into());
    }
    let mut header = vec![0u8; usize::try_from(length).map_err(|e| e.to_string())?];
    file.read_exact(&mut header).map_err(|e| e.to_string())?;
    let mut entries: HashMap<String, serde_json::Value> =
        serde_json::from_slice(&header).map_err(|e| format!("bad header: {e}"))?;
    entries.remove("__metadata__");
    let data_start = 8 + length;
    let mut tensors = HashMap::with_capacity(entries.len());
    for (name, entry) in entries {
        let entry: Entry =
            serde_json::from_value(entry).map_err(|e| format!("bad header for {name}: {e}"))?;
        let (start, end) = entry.data_offsets;
        let dtype = dtype(&entry.dtype).ok_or_else(|| format!("{name}: unknown dtype"))?;
        let elements: usize = entry.shape.iter().product();
        let bytes = u64::try_from(elements * dtype.size_in_bytes()).unwrap_or(u64::MAX);
        if end < start || end - start != bytes || data_start.saturating_add(end) > size {
            return Err(format!("{name}: its data does not fit the file"));
        }
        file.seek(SeekFrom::Start(data_start + start))
            .map_err(|e| e.to_string())?;
        let tensor = if dtype == DType::F32 {
            let mut values = vec![0f32; elements];
            file.read_exact(bytemuck::cast_slice_mut(&mut values))
                .map_err(|e| e.to_string())?;
            if cfg!(target_endian = "big") {
                for value in &mut values {
                    *value = f32::from_bits(u32::from_le(value.to_bits()));
                }
            }
            Tensor::from_vec(values, entry.shape, &Device::Cpu)
        } else {
            let mut raw = vec![0u8; usize::try_from(bytes).map_err(|e| e.to_string())?];
            file.read_exact(&mut raw).map_err(|e| e.to_string())?;
            Tensor::from_raw_buffer(&raw, dtype, &entry.shape, &Device::Cpu)
        }
        .map_err(|e| format!("{name}: {e}"))?;
        tensors.insert(name, tensor);
    }
    Ok(tensors)
}

fn dtype(name: &str) -> Option<DType> {
    Some(match name {
        "F32" => DType::F32,
        "F16" => DType::F16,
        "BF16" => DType::BF16,
        "F64" => DType::F64,
        "I64" => DType::I64,
        "U32" => DType::U32,
        "U8" => DType::U8,
        _ => return None,
    })
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    /// A file as the format has it: header length, header, data.
    fn file(header: &str, data: &[u8]) -> tempfile::NamedTempFile {
        let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
        bytes.extend_from_slice(header.as_bytes());
        bytes.extend_from_slice(data);
        let file = tempfile::NamedTempFile::new().expect("a temporary file");
        std::fs::write(file.path(), bytes).expect("written");
        file
    }

    #[test]
    fn tensors_are_read_as_written() {
        let data: Vec<u8> = [1.5f32, -2.0, 0.25, 8.0]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        let header = r#"{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#;
        let f = file(header, &data);
        let tensors = load(f.path()).expect("loads");
        let w = tensors["w"].to_vec2::<f32>().expect("2x2");
        assert_eq!(w, [[1.5, -2.0], [0.25, 8.0]]);
    }

    #[test]
    fn a_broken_file_is_an_error_not_a_panic() {
        let bad = [
            (
                r#"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#,
                8,
            ),
            (
                r#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#,
                8,
            ),
            (
                r#"{"w":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}}"#,
                8,
            ),
            (
                r#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#,
                8,
            ),
            ("not json", 0),
        ];
        for (header, data) in bad {
            let f = file(header, &vec![0u8; data]);
            assert!(load(f.path()).is_err(), "{header}");
        }
        let f = tempfile::NamedTempFile::new().expect("a temporary file");
        std::fs::write(f.path(), u64::MAX.to_le_bytes()).expect("written");
        assert!(load(f.path()).is_err());
    }
}

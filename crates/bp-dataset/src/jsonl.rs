//! The dataset as JSON lines, `{"text":..,"intent":..,"complexity":..,"techniques":[..]}`,
//! streamed to a writer in large writes: the file `betterprompts dataset` writes and
//! `betterprompts load --prompts` reads.

use crate::DatasetGenerator;
use bp_api::{Complexity, Intent, Technique};
use std::collections::HashSet;
use std::io::Write;

/// The buffer is handed to the writer past this size.
const FLUSH_BYTES: usize = 4 << 20;
/// Distinctness is counted on this many rows at most, to keep memory bounded.
const DISTINCT_SAMPLE_ROWS: u64 = 1_000_000;

/// What [`write_dataset`] wrote.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Written {
    pub rows: u64,
    /// Distinct texts over the first `sampled` rows.
    pub distinct_share: f64,
    pub sampled: u64,
}

/// Writes rows `0..count` of the generator seeded with `seed` to `out`, each labelled with
/// `techniques(intent, complexity)` (the policy's acceptable primaries for the cell).
pub fn write_dataset<'p>(
    out: &mut impl Write,
    seed: u64,
    count: u64,
    techniques: impl Fn(Intent, Complexity) -> &'p [Technique],
) -> std::io::Result<Written> {
    let mut generator = DatasetGenerator::new(seed);
    let (mut text, mut buffer) = (String::new(), String::with_capacity(FLUSH_BYTES + 8192));
    let mut distinct = HashSet::new();
    for row in 0..count {
        let (intent, complexity) = generator.next_into(&mut text);
        write_json_line(
            &mut buffer,
            &text,
            intent,
            complexity,
            techniques(intent, complexity),
        );
        if row < DISTINCT_SAMPLE_ROWS {
            distinct.insert(fingerprint(&text));
        }
        if buffer.len() >= FLUSH_BYTES {
            out.write_all(buffer.as_bytes())?;
            buffer.clear();
        }
    }
    out.write_all(buffer.as_bytes())?;
    out.flush()?;
    let sampled = count.min(DISTINCT_SAMPLE_ROWS);
    Ok(Written {
        rows: count,
        distinct_share: distinct.len() as f64 / sampled.max(1) as f64,
        sampled,
    })
}

/// 128-bit fingerprint: collisions are negligible at a million rows, memory is 16 B a row.
fn fingerprint(text: &str) -> u128 {
    use std::hash::BuildHasher;
    let a = rustc_hash::FxBuildHasher.hash_one(text);
    let b = rustc_hash::FxBuildHasher.hash_one((text, 0x9e37_79b9u32));
    (u128::from(a) << 64) | u128::from(b)
}

/// Appends one JSON line (with trailing '\n')
/// `{"text":..,"intent":..,"complexity":..,"techniques":[..]}` to `out`, escaping the text
/// per RFC 8259. `techniques` are passed by the caller (the policy's acceptable primaries
/// for the cell).
///
/// Hand-written rather than serde: it is the inner loop of the 1M-row writer, and ids are
/// known to need no escaping.
pub fn write_json_line(
    out: &mut String,
    text: &str,
    intent: Intent,
    complexity: Complexity,
    techniques: &[Technique],
) {
    out.push_str("{\"text\":\"");
    push_json_escaped(out, text);
    out.push_str("\",\"intent\":\"");
    out.push_str(intent.as_str());
    out.push_str("\",\"complexity\":\"");
    out.push_str(complexity.as_str());
    out.push_str("\",\"techniques\":[");
    for (i, technique) in techniques.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        out.push_str(technique.as_str());
        out.push('"');
    }
    out.push_str("]}\n");
}

/// Escapes `"`, `\` and control characters; everything else, non-ASCII included, is valid
/// inside a JSON string as is. Copies unescaped runs in one go.
fn push_json_escaped(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut run_start = 0;
    for (i, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        // `i` is at an ASCII byte, hence a char boundary.
        out.push_str(&text[run_start..i]);
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        } else {
            out.push_str(escape);
        }
        run_start = i + 1;
    }
    out.push_str(&text[run_start..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LabelledPrompt;

    fn rows(seed: u64, n: usize) -> Vec<LabelledPrompt> {
        DatasetGenerator::new(seed).take(n).collect()
    }

    #[test]
    fn the_written_file_is_the_generated_rows_one_per_line() {
        let mut out = Vec::new();
        let primaries = [Technique::RolePlay];
        let written = write_dataset(&mut out, 3, 500, |_, _| primaries.as_slice()).expect("writes");
        assert_eq!(written.rows, 500);
        assert_eq!(written.sampled, 500);
        assert!(written.distinct_share > 0.9, "{written:?}");
        let text = String::from_utf8(out).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 500);
        for (line, row) in lines.iter().zip(rows(3, 500)) {
            let value: serde_json::Value = serde_json::from_str(line).expect("one JSON object");
            assert_eq!(value["text"].as_str(), Some(row.text.as_str()));
            assert_eq!(value["intent"].as_str(), Some(row.intent.as_str()));
            assert_eq!(value["techniques"], serde_json::json!(["role_play"]));
        }
    }

    #[test]
    fn json_lines_parse_and_round_trip_exactly() {
        let techniques = [Technique::ChainOfThought, Technique::FewShot];
        let tricky = [
            "",
            "plain",
            "she said \"hi\" and left",
            "C:\\Users\\me\\notes.txt and a trailing \\",
            "line one\nline two\r\n\ttabbed",
            "control \u{1} \u{8} \u{c} \u{1f} end",
            "accents: café, naïve, Zürich; CJK: 駅はどこですか？ 谢谢; emoji: 🎉",
            "\u{7f} delete and \u{2028} line separator",
        ];
        let generated = rows(13, 3_000);
        let cases = tricky
            .iter()
            .map(|t| (t.to_string(), Intent::Reasoning, Complexity::Moderate))
            .chain(
                generated
                    .into_iter()
                    .map(|r| (r.text, r.intent, r.complexity)),
            );
        let mut out = String::new();
        for (text, intent, complexity) in cases {
            out.clear();
            write_json_line(&mut out, &text, intent, complexity, &techniques);
            assert!(
                out.ends_with('\n') && out.matches('\n').count() == 1,
                "{out:?}"
            );
            let value: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(value["text"].as_str(), Some(text.as_str()));
            assert_eq!(value["intent"].as_str(), Some(intent.as_str()));
            assert_eq!(value["complexity"].as_str(), Some(complexity.as_str()));
            assert_eq!(
                value["techniques"],
                serde_json::json!(["chain_of_thought", "few_shot"])
            );
            assert_eq!(value.as_object().map(|o| o.len()), Some(4));
        }
        out.clear();
        write_json_line(&mut out, "x", Intent::Translation, Complexity::Simple, &[]);
        assert_eq!(
            out,
            "{\"text\":\"x\",\"intent\":\"translation\",\"complexity\":\"simple\",\"techniques\":[]}\n"
        );
    }
}

//! The words synthetic data is made of: names, a vocabulary with Zipf-like frequencies.

use rand::Rng;
use rand::rngs::StdRng;

const FIRST: &[&str] = &[
    "Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "John", "Margaret", "Claude",
    "Tim", "Radia", "Leslie", "Shafi", "Yann", "Geoffrey", "Fei", "Andrew", "Daphne", "Yoshua",
    "Jürgen", "Sepp", "Ilya", "Oriol", "Demis", "Ian", "Kaiming", "Ross", "Ashish", "Noam",
    "Jakob", "Llion", "Aidan", "Lukasz", "Niki", "Chen", "Wei", "Yuki", "Priya", "Amara",
];
const LAST: &[&str] = &[
    "Lovelace",
    "Turing",
    "Hopper",
    "Dijkstra",
    "Liskov",
    "Knuth",
    "Allen",
    "McCarthy",
    "Hamilton",
    "Shannon",
    "Berners-Lee",
    "Perlman",
    "Lamport",
    "Goldwasser",
    "LeCun",
    "Hinton",
    "Li",
    "Ng",
    "Koller",
    "Bengio",
    "Schmidhuber",
    "Hochreiter",
    "Sutskever",
    "Vinyals",
    "Hassabis",
    "Goodfellow",
    "He",
    "Girshick",
    "Vaswani",
    "Shazeer",
    "Uszkoreit",
    "Jones",
    "Gomez",
    "Kaiser",
    "Parmar",
    "Wang",
    "Zhang",
    "Tanaka",
    "Sharma",
    "Okafor",
];
pub(super) const WORDS: &[&str] = &[
    "training",
    "language",
    "models",
    "scaling",
    "attention",
    "reinforcement",
    "learning",
    "vision",
    "transformer",
    "diffusion",
    "retrieval",
    "reasoning",
    "alignment",
    "benchmark",
    "efficient",
    "sparse",
    "mixture",
    "experts",
    "speech",
    "multimodal",
    "agents",
    "robotics",
    "graph",
    "neural",
    "optimization",
    "data",
    "synthetic",
    "evaluation",
    "instruction",
    "tuning",
    "pretraining",
    "inference",
    "quantization",
    "distillation",
    "contrastive",
    "representation",
    "generative",
];

/// Syllables of the made-up words that fill out the vocabulary behind the real ones.
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ne", "su", "ra", "ti", "vo", "de", "pa", "gu", "shi",
];
/// How many words titles and abstracts draw from.
pub(super) const VOCABULARY: usize = 4_000;

/// Word `rank` of the vocabulary: the real words first, then made-up ones.
pub(super) fn vocabulary_word(rank: usize) -> String {
    if let Some(word) = WORDS.get(rank) {
        return (*word).to_owned();
    }
    let mut i = rank - WORDS.len() + SYLLABLES.len();
    let mut word = String::new();
    while i > 0 {
        word.push_str(SYLLABLES[i % SYLLABLES.len()]);
        i /= SYLLABLES.len();
    }
    word
}

/// `n` words drawn with Zipf-like frequencies (word `r` about `1/r` as often as the first), as
/// text is: a few words everywhere, most words rare. Searches then select as they would on real
/// abstracts, rather than matching every paper.
pub(super) fn words(rng: &mut StdRng, vocabulary: &[String], n: usize) -> String {
    (0..n)
        .map(|_| {
            let rank = (vocabulary.len() as f64).powf(rng.random::<f64>()) as usize - 1;
            vocabulary[rank.min(vocabulary.len() - 1)].as_str()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Author `i`'s name: first name, initial and last name, distinct for the first 41,600 authors
/// and then numbered.
pub(super) fn author_name(i: usize) -> String {
    let first = FIRST[i % FIRST.len()];
    let last = LAST[(i / FIRST.len()) % LAST.len()];
    let initial =
        char::from(b'A' + u8::try_from((i / (FIRST.len() * LAST.len())) % 26).unwrap_or(0));
    let round = i / (FIRST.len() * LAST.len() * 26);
    if round == 0 {
        format!("{first} {initial}. {last}")
    } else {
        format!("{first} {initial}. {last} {round}")
    }
}

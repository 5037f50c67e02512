//! Vietnamese name order.
//!
//! Vietnamese lists of people are sorted by **given name** (the last word),
//! then by the **middle names** (left to right), then by the **family name**
//! (the first word). Each word is compared with Vietnamese collation:
//!
//! * letters first, case-insensitively, in the Vietnamese alphabet
//!   `a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y`, with the
//!   other Latin letters `f j w z` in their Latin places, digits before
//!   letters, anything else after `z` (by code point);
//! * then, only between words with the same letters, the **tone** of the
//!   word: ngang (none) < huyền (`à`) < hỏi (`ả`) < ngã (`ã`) < sắc (`á`) <
//!   nặng (`ạ`). The tone belongs to the word, not to a letter, so the old and
//!   new tone placements (`Hoà` / `Hòa`, `Thuý` / `Thúy`) sort as equals.
//!
//! A word is fully compared (letters, then tone) before the next word is
//! looked at, so everyone called "Bình" comes before everyone called "Bính".
//! A name with no middle name sorts before one with a middle name when the
//! given names are equal ("Lê An" < "Nguyễn Văn An").
//!
//! [`sort_key`] turns a name into an ASCII-only string (digits and lower-case
//! letters) whose plain byte order is that order, so it can be stored in a
//! column and sorted by the database in any collation (`COLLATE "C"`, ICU,
//! SQLite `BINARY`). Input may be NFC or NFD (or a mix: a precomposed letter
//! followed by a combining mark); whitespace is collapsed; punctuation
//! (`-`, `.`, `'`) is ignored.
//!
//! Key layout (every unit is two characters unless stated):
//!
//! ```text
//! key    = word(given) "00" word(middle)* "00" word(family)
//! word   = letter+ "01" tone            tone: one digit 0..=5
//! letter = "1d" for a digit d | "20".."52" for a..z (Vietnamese order)
//!        | "9" + 7 decimal digits of the code point for anything else
//! ```
//!
//! A name of one word is just `word(given)`; of two words it has an empty
//! middle group.

use std::cmp::Ordering;

/// The Vietnamese alphabet with `f j w z` in their Latin places: the
/// position in this list is the primary weight of a letter.
const ALPHABET: [char; 33] = [
    'a', 'ă', 'â', 'b', 'c', 'd', 'đ', 'e', 'ê', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
    'ô', 'ơ', 'p', 'q', 'r', 's', 't', 'u', 'ư', 'v', 'w', 'x', 'y', 'z',
];

/// Precomposed vowels: each row is one base vowel with its five tones, in
/// tone order (ngang, huyền, hỏi, ngã, sắc, nặng).
const TONED_VOWELS: [&str; 12] = [
    "aàảãáạ",
    "ăằẳẵắặ",
    "âầẩẫấậ",
    "eèẻẽéẹ",
    "êềểễếệ",
    "iìỉĩíị",
    "oòỏõóọ",
    "ôồổỗốộ",
    "ơờởỡớợ",
    "uùủũúụ",
    "ưừửữứự",
    "yỳỷỹýỵ",
];

/// Tone numbers, in collation order.
const TONE_NGANG: u8 = 0;
const TONE_HUYEN: u8 = 1;
const TONE_HOI: u8 = 2;
const TONE_NGA: u8 = 3;
const TONE_SAC: u8 = 4;
const TONE_NANG: u8 = 5;

/// One letter of a name after decomposition: a base letter (lower case,
/// with its vowel modifier: `ă`, `â`, `ơ`…) and the tone it carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Letter {
    base: char,
    tone: u8,
}

/// Splits a lower-cased precomposed character into base letter and tone.
fn decompose(c: char) -> Letter {
    match c {
        // Đ is sometimes typed with the look-alike Icelandic eth.
        'đ' | 'ð' => {
            return Letter {
                base: 'đ',
                tone: TONE_NGANG,
            };
        }
        _ => {}
    }
    for row in TONED_VOWELS {
        if let Some(tone) = row.chars().position(|x| x == c) {
            let base = row.chars().next().unwrap_or(c);
            return Letter {
                base,
                tone: tone as u8,
            };
        }
    }
    Letter {
        base: c,
        tone: TONE_NGANG,
    }
}

/// Applies a combining mark (NFD input) to the letter before it. Returns
/// `false` if the character is not a combining mark this module knows, in
/// which case other combining marks (U+0300..U+036F) are dropped by the caller.
fn apply_mark(letter: &mut Letter, mark: char) -> bool {
    let tone = match mark {
        '\u{0300}' | '\u{0340}' => Some(TONE_HUYEN),
        '\u{0309}' => Some(TONE_HOI),
        '\u{0303}' => Some(TONE_NGA),
        '\u{0301}' | '\u{0341}' => Some(TONE_SAC),
        '\u{0323}' => Some(TONE_NANG),
        _ => None,
    };
    if let Some(t) = tone {
        letter.tone = t;
        return true;
    }
    let base = match (mark, letter.base) {
        ('\u{0306}', 'a') => 'ă',
        ('\u{0302}', 'a') => 'â',
        ('\u{0302}', 'e') => 'ê',
        ('\u{0302}', 'o') => 'ô',
        ('\u{031B}', 'o') => 'ơ',
        ('\u{031B}', 'u') => 'ư',
        // Stroke overlay: d + U+0335 is sometimes used for đ.
        ('\u{0335}', 'd') => 'đ',
        _ => return is_combining(mark),
    };
    letter.base = base;
    true
}

/// Combining diacritical marks block (the only one Vietnamese input uses).
fn is_combining(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

/// Splits a full name into words of decomposed letters. Whitespace
/// separates words; characters that are neither letters nor digits are
/// dropped; a combining mark with no letter before it is dropped.
fn words(full_name: &str) -> Vec<Vec<Letter>> {
    let mut out = Vec::new();
    for raw in full_name.split_whitespace() {
        let mut word: Vec<Letter> = Vec::with_capacity(raw.len());
        for ch in raw.chars() {
            if is_combining(ch) {
                if let Some(last) = word.last_mut() {
                    apply_mark(last, ch);
                }
                continue;
            }
            if !ch.is_alphanumeric() {
                continue;
            }
            for lc in ch.to_lowercase() {
                if is_combining(lc) {
                    // e.g. 'İ' lower-cases to "i\u{0307}": keep the base only.
                    if let Some(last) = word.last_mut() {
                        apply_mark(last, lc);
                    }
                } else {
                    word.push(decompose(lc));
                }
            }
        }
        if !word.is_empty() {
            out.push(word);
        }
    }
    out
}

/// Appends the primary code of one letter to `key`.
fn push_letter(key: &mut String, base: char) {
    use std::fmt::Write as _;
    if let Some(d) = base.to_digit(10) {
        key.push('1');
        key.push(char::from(b'0' + d as u8));
    } else if let Some(i) = ALPHABET.iter().position(|&x| x == base) {
        let _ = write!(key, "{}", 20 + i);
    } else {
        let _ = write!(key, "9{:07}", u32::from(base));
    }
}

/// Appends the code of one word: its letters, `01`, its tone digit.
fn push_word(key: &mut String, word: &[Letter]) {
    for l in word {
        push_letter(key, l.base);
    }
    // The word's tone: the first toned letter (there is one tone per word).
    let tone = word
        .iter()
        .map(|l| l.tone)
        .find(|&t| t != TONE_NGANG)
        .unwrap_or(TONE_NGANG);
    key.push_str("01");
    key.push(char::from(b'0' + tone));
}

/// The sort key of a full name: an ASCII string (digits and lower-case
/// letters only) whose byte-wise order is Vietnamese name order — given name,
/// then middle names, then family name (see the module doc for the layout).
///
/// Equal keys mean the names are equal up to case, tone placement, Unicode
/// normalisation form, punctuation and spacing; use [`compare`] for a total
/// order. An empty or blank name has an empty key (sorts first).
///
/// The key is at most [`SORT_KEY_MAX_LEN`] bytes (about two and a half
/// times the letters of the name; longer keys are cut, which keeps the order
/// and only makes very long names that share their first ~90 letters tie).
pub fn sort_key(full_name: &str) -> String {
    let words = words(full_name);
    let mut key = String::with_capacity(full_name.len() * 3 + 8);
    let Some((given, rest)) = words.split_last() else {
        return key;
    };
    push_word(&mut key, given);
    if let Some((family, middles)) = rest.split_first() {
        key.push_str("00");
        for m in middles {
            push_word(&mut key, m);
        }
        key.push_str("00");
        push_word(&mut key, family);
    }
    key.truncate(SORT_KEY_MAX_LEN);
    key
}

/// The longest key [`sort_key`] returns, in bytes (fits a `VARCHAR(255)`).
pub const SORT_KEY_MAX_LEN: usize = 250;

/// Compares two full names in Vietnamese name order: by [`sort_key`], then
/// by the raw strings so that the order is total and stable.
pub fn compare(a: &str, b: &str) -> Ordering {
    sort_key(a).cmp(&sort_key(b)).then_with(|| a.cmp(b))
}

/// Strips Vietnamese diacritics and maps `đ`/`Đ` to `d`/`D`, keeping case and
/// everything else (for e-mail local parts, slugs, search). Works on NFC and
/// NFD input: combining marks are dropped.
pub fn fold_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if is_combining(ch) {
            continue;
        }
        let upper = ch.is_uppercase();
        let lower = if upper {
            ch.to_lowercase().next().unwrap_or(ch)
        } else {
            ch
        };
        let plain = match decompose(lower).base {
            'ă' | 'â' => 'a',
            'đ' => 'd',
            'ê' => 'e',
            'ô' | 'ơ' => 'o',
            'ư' => 'u',
            b => b,
        };
        if plain == lower {
            // Nothing Vietnamese to strip: keep the character as it was.
            out.push(ch);
        } else if upper {
            out.extend(plain.to_uppercase());
        } else {
            out.push(plain);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nfd(s: &str) -> String {
        // A hand-made NFD for the test: split every precomposed letter.
        let mut out = String::new();
        for ch in s.chars() {
            let upper = ch.is_uppercase();
            let lc = ch.to_lowercase().next().expect("lower");
            let l = decompose(lc);
            let (base, modifier) = match l.base {
                'ă' => ('a', Some('\u{0306}')),
                'â' => ('a', Some('\u{0302}')),
                'ê' => ('e', Some('\u{0302}')),
                'ô' => ('o', Some('\u{0302}')),
                'ơ' => ('o', Some('\u{031B}')),
                'ư' => ('u', Some('\u{031B}')),
                b => (b, None),
            };
            if base == 'đ' {
                out.push(ch);
                continue;
            }
            if upper {
                out.extend(base.to_uppercase());
            } else {
                out.push(base);
            }
            let tone = match l.tone {
                1 => Some('\u{0300}'),
                2 => Some('\u{0309}'),
                3 => Some('\u{0303}'),
                4 => Some('\u{0301}'),
                5 => Some('\u{0323}'),
                _ => None,
            };
            // Canonical order: horn (216) < dot below (220) < above marks (230).
            let mut marks: Vec<char> = modifier.into_iter().chain(tone).collect();
            marks.sort_by_key(|&m| match m {
                '\u{031B}' => 216,
                '\u{0323}' => 220,
                _ => 230,
            });
            out.extend(marks);
        }
        out
    }

    fn assert_sorted(names: &[&str], msg: &str) {
        for w in names.windows(2) {
            assert_eq!(
                compare(w[0], w[1]),
                Ordering::Less,
                "{msg}: {:?} should sort before {:?} (keys {} / {})",
                w[0],
                w[1],
                sort_key(w[0]),
                sort_key(w[1])
            );
            assert!(
                sort_key(w[0]) <= sort_key(w[1]),
                "{msg}: key order for {:?} / {:?}",
                w[0],
                w[1]
            );
        }
    }

    #[test]
    fn pairs_in_order() {
        let cases: &[(&[&str], &str)] = &[
            (&["Ánh", "Bình", "Chi"], "alphabet"),
            (&["Dũng", "Đức"], "Đ after D"),
            (&["Dương", "Đàm"], "Đ after every D"),
            (
                &["a", "à", "ả", "ã", "á", "ạ", "ă"],
                "tone order, ă after all a",
            ),
            (&["ạ", "ă", "ằ", "ặ", "â", "b"], "ă < â < b"),
            (&["e", "ẹ", "ê", "g"], "ê after e"),
            (&["o", "ọ", "ô", "ộ", "ơ", "ợ", "p"], "o ô ơ"),
            (&["u", "ụ", "ư", "ự", "v"], "u ư"),
            (&["Ích", "Khánh"], "i < k"),
            (&["Yến", "Zin"], "z after y"),
            (&["Phong", "Quân"], "p < q"),
            (&["An", "Anh", "Ánh", "Ba"], "prefix first, then tone"),
            (
                &["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Bình"],
                "given name first; Thị < Văn",
            ),
            (&["Lê Văn Bình", "Nguyễn Văn Bình"], "family name last"),
            (&["Lê An", "Nguyễn Văn An"], "no middle name first"),
            (
                &["Nguyễn Thị Hà", "Nguyễn Thị Thu Hà"],
                "shorter middle group first",
            ),
            (
                &["Trần Văn Bình", "Nguyễn Văn Bính"],
                "given-name tone decides before family name",
            ),
            (&["Bình", "Nguyễn Bình"], "one word first"),
        ];
        for (names, msg) in cases {
            assert_sorted(names, msg);
        }
    }

    #[test]
    fn equal_keys() {
        let cases = [
            ("Nguyễn Văn An", "nguyễn văn an", "case"),
            ("NGUYỄN VĂN AN", "nguyễn văn an", "upper case"),
            ("  Nguyễn   Văn\tAn ", "Nguyễn Văn An", "whitespace"),
            ("Lê Thị Hoà", "Lê Thị Hòa", "old/new tone placement"),
            ("Thuý", "Thúy", "old/new tone placement"),
            ("Ðức", "Đức", "eth look-alike"),
        ];
        for (a, b, msg) in cases {
            assert_eq!(sort_key(a), sort_key(b), "{msg}: {a:?} / {b:?}");
        }
    }

    #[test]
    fn nfd_equals_nfc() {
        let names = [
            "Nguyễn Văn An",
            "Trần Thị Bình",
            "Đặng Thị Ngọc Ánh",
            "Phạm Quỳnh Hương",
            "Lường Thị Mỷ",
            "Hoàng Ước",
            "Vũ Thị Ậu",
            "Lò Văn Ợt",
            "Giàng A Páo",
            "ĂN Ẩn Ước",
        ];
        for n in names {
            let d = nfd(n);
            assert_ne!(d, n, "test helper must change {n}");
            assert!(d.chars().any(is_combining), "{n}");
            assert_eq!(sort_key(&d), sort_key(n), "NFD of {n}");
        }
        // A half-decomposed spelling: precomposed â + combining acute.
        assert_eq!(sort_key("Nguye\u{0302}\u{0303}n"), sort_key("Nguyễn"));
        assert_eq!(sort_key("\u{00E2}\u{0301}"), sort_key("ấ"));
    }

    #[test]
    fn keys_are_ascii_digits_and_lowercase() {
        for n in [
            "Nguyễn Văn An",
            "O'Neil Zoë 3",
            "Иван",
            "",
            "   ",
            "李 小龙",
        ] {
            let k = sort_key(n);
            assert!(
                k.bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()),
                "{n}: {k}"
            );
        }
        assert_eq!(sort_key(""), "");
        assert_eq!(sort_key(" \t "), "");
        assert_eq!(sort_key("- ."), "");
    }

    #[test]
    fn table_sorts_into_expected_order() {
        let expected = [
            "Lê An",
            "Nguyễn Văn An",
            "Phạm Thị Ngọc Anh",
            "Trần Ánh",
            "Đỗ Thị Ánh",
            "Hoàng Thị Ân",
            "Vũ Văn Bình",
            "Lê Thị Bính",
            "Lò Văn Chứ",
            "Nguyễn Đức Dũng",
            "Quàng Văn Dũng",
            "Bùi Văn Đức",
            "Lường Thị Hà",
            "Nguyễn Thị Hà",
            "Nguyễn Thị Thu Hà",
            "Trần Thị Hạ",
            "Giàng Thị Pàng",
            "Giàng A Páo",
            "Sùng A Páo",
            "Lê Văn Tuấn",
            "Phạm Ước",
            "Trần Thị Yến",
        ];
        let mut shuffled: Vec<&str> = expected.iter().rev().copied().collect();
        shuffled.swap(0, 7);
        shuffled.swap(3, 12);
        shuffled.sort_by(|a, b| compare(a, b));
        assert_eq!(shuffled, expected);
        // The same order by keys alone, as the database would sort them.
        let mut by_key: Vec<(String, &str)> =
            expected.iter().rev().map(|n| (sort_key(n), *n)).collect();
        by_key.sort();
        let names: Vec<&str> = by_key.into_iter().map(|(_, n)| n).collect();
        assert_eq!(names, expected);
    }

    #[test]
    fn long_names_are_capped() {
        let long = "Nguyễn ".repeat(100);
        assert_eq!(sort_key(&long).len(), SORT_KEY_MAX_LEN);
    }

    #[test]
    fn compare_is_total() {
        assert_eq!(
            compare("Lê Thị Hoà", "Lê Thị Hòa"),
            "Lê Thị Hoà".cmp("Lê Thị Hòa")
        );
        assert_ne!(compare("Lê Thị Hoà", "Lê Thị Hòa"), Ordering::Equal);
        assert_eq!(compare("An", "An"), Ordering::Equal);
    }

    #[test]
    fn fold_ascii_strips_marks() {
        let cases = [
            ("Nguyễn Văn Đức", "Nguyen Van Duc"),
            ("ĐẶNG THỊ ẬU", "DANG THI AU"),
            ("Lường Thị Mỷ", "Luong Thi My"),
            ("Zoë", "Zoë"),
            ("abc-123", "abc-123"),
        ];
        for (input, want) in cases {
            assert_eq!(fold_ascii(input), want, "{input}");
        }
        assert_eq!(fold_ascii(&nfd("Phạm Quỳnh Hương")), "Pham Quynh Huong");
    }
}

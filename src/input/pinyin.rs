//! Pinyin input method engine for the on-screen keyboard (no UI code here).
//!
//! The dictionary ships inside the binary: character readings come from the
//! `pinyin` crate (every CJK Unified Ideograph it knows, Extension A to H
//! included, with all heteronym readings). On first use a reverse index
//! "toneless syllable → characters" is built once and shared by every
//! [`PinyinEngine`] ([`warm_up`] builds it ahead of time, e.g. at start-up).
//!
//! Candidates of a syllable are ordered, most common first, by:
//! 1. the curated list of the most frequent modern characters
//!    (`data/frequent_chars.txt`) together with the common surnames of
//!    [`super::surnames::COMMON`], which rank by their surname position when
//!    that is higher, so `wang` offers 王 first and `zhang` 张 before 章;
//! 2. the other GB2312 level-1 characters (GB code order);
//! 3. GB2312 level-2 characters;
//! 4. everything else (rare name characters such as 䶮 赟 玥 喆 堃 昇 翀),
//!    Unified block first, then Extension A, then Extension B and later.
//!
//! Only characters the bundled fonts can draw are offered (`crate::fonts::can_draw`):
//! a few hundred of Extensions C to H that no bundled font has are left out, so nothing
//! offered shows or prints as a box.
//!
//! Within each tier a character's main reading comes before its secondary
//! readings (的 is offered for `de` early and for `di` late).
//!
//! Typing is segmented into syllables (`zhangsan` → `zhang'san`); the
//! candidates are those of the first syllable, and committing one consumes
//! its letters, leaving the rest composing. When the whole buffer is one
//! syllable or an incomplete one (`zh`, `wa`), characters of every syllable
//! starting with it are offered as well. Typing both syllables of a compound
//! surname (`ouyang`) offers the surname (欧阳) as the first candidate.
//! `v` stands for ü (`lv` → 吕 绿); `lue`/`nue` and `jv`/`qv`/`xv`/`yv`
//! spellings are accepted too.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use pinyin::ToPinyinMulti;

use super::surnames;

/// Maximum number of letters the composition buffer holds.
pub const MAX_LETTERS: usize = 32;

/// Curated frequency list, most frequent first (see the file's header).
const FREQUENT_CHARS: &str = include_str!("data/frequent_chars.txt");

/// Code point ranges of CJK Unified Ideographs indexed, in tier-4 order:
/// the Unified block, Extension A, Extensions B..I and G..H.
const CJK_RANGES: &[(u32, u32)] = &[
    (0x4E00, 0x9FFF),
    (0x3400, 0x4DBF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2EE5F),
    (0x30000, 0x323AF),
];

/// Alternative spellings accepted for syllables (alias, syllable).
const ALIASES: &[(&str, &str)] = &[
    ("lue", "lve"),
    ("nue", "nve"),
    ("jv", "ju"),
    ("qv", "qu"),
    ("xv", "xu"),
    ("yv", "yu"),
    ("jve", "jue"),
    ("qve", "que"),
    ("xve", "xue"),
    ("yve", "yue"),
    ("jvan", "juan"),
    ("qvan", "quan"),
    ("xvan", "xuan"),
    ("yvan", "yuan"),
    ("jvn", "jun"),
    ("qvn", "qun"),
    ("xvn", "xun"),
    ("yvn", "yun"),
];

const TIER_FREQUENT: u32 = 0;
const TIER_GB_LEVEL1: u32 = 1;
const TIER_GB_LEVEL2: u32 = 2;
const TIER_OTHER: u32 = 3;
const RANK_MASK: u32 = (1 << 29) - 1;

/// One character under one syllable. `key` packs, from the high bits:
/// tier (2 bits), "secondary reading" (1 bit), rank within the tier (29 bits).
#[derive(Debug, Clone, Copy)]
struct Entry {
    key: u32,
    ch: char,
}

impl Entry {
    fn pack_key(tier: u32, secondary: bool, rank: u32) -> u32 {
        (tier << 30) | (u32::from(secondary) << 29) | (rank & RANK_MASK)
    }

    /// Sort key for a candidate list; `completion` marks characters of a
    /// longer syllable than the one typed, which go after the typed
    /// syllable's characters of the same tier.
    fn query_key(self, completion: bool) -> u64 {
        let tier = u64::from(self.key >> 30);
        let rest = u64::from(self.key & ((1 << 30) - 1));
        (tier << 31) | (u64::from(completion) << 30) | rest
    }
}

/// Reverse index: toneless syllable (`v` for ü) → characters, best first.
struct Index {
    syllables: BTreeMap<String, Vec<Entry>>,
    max_len: usize,
}

impl Index {
    fn is_syllable(&self, s: &str) -> bool {
        self.syllables.contains_key(s)
    }

    fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a [Entry])> {
        self.syllables
            .range::<str, _>((std::ops::Bound::Included(prefix), std::ops::Bound::Unbounded))
            .take_while(move |(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    fn is_prefix(&self, s: &str) -> bool {
        self.with_prefix(s).next().is_some()
    }
}

static INDEX: OnceLock<Index> = OnceLock::new();

fn index() -> &'static Index {
    INDEX.get_or_init(build_index)
}

/// Builds the shared reverse index now if it has not been built yet (it is
/// otherwise built on the first keystroke; this takes a few milliseconds).
pub fn warm_up() {
    index();
}

/// Whether `s` is a toneless pinyin syllable known to the dictionary
/// (lower case, `v` for ü).
pub fn is_syllable(s: &str) -> bool {
    index().is_syllable(s)
}

/// All characters read `syllable` (toneless, `v` for ü), most common first.
pub fn characters_for(syllable: &str) -> Vec<char> {
    index()
        .syllables
        .get(syllable)
        .map(|v| v.iter().map(|e| e.ch).collect())
        .unwrap_or_default()
}

/// Writes the toneless, lower-case, `v`-for-ü form of a plain reading.
fn normalize_into(plain: &str, out: &mut String) {
    out.clear();
    for c in plain.chars() {
        match c {
            'a'..='z' => out.push(c),
            'ü' => out.push('v'),
            'ê' => out.push('e'),
            _ => {}
        }
    }
}

/// GB2312 tier and rank of every hanzi in GB2312 levels 1 and 2.
fn gb2312_ranks() -> HashMap<char, (u32, u32)> {
    let mut map = HashMap::with_capacity(6800);
    let mut rank = 0u32;
    for b1 in 0xB0u8..=0xF7 {
        let tier = if b1 <= 0xD7 { TIER_GB_LEVEL1 } else { TIER_GB_LEVEL2 };
        for b2 in 0xA1u8..=0xFE {
            let bytes = [b1, b2];
            let (s, had_errors) = encoding_rs::GBK.decode_without_bom_handling(&bytes);
            if had_errors {
                continue;
            }
            let mut chars = s.chars();
            if let (Some(c), None) = (chars.next(), chars.next()) {
                if is_cjk(c) {
                    map.entry(c).or_insert((tier, rank));
                    rank += 1;
                }
            }
        }
    }
    map
}

fn is_cjk(c: char) -> bool {
    let cp = u32::from(c);
    CJK_RANGES.iter().any(|&(lo, hi)| (lo..=hi).contains(&cp))
}

fn build_index() -> Index {
    let mut frequent: HashMap<char, u32> = HashMap::with_capacity(1500);
    let mut rank = 0u32;
    for line in FREQUENT_CHARS.lines() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        for c in line.chars().filter(|c| !c.is_whitespace()) {
            frequent.entry(c).or_insert(rank);
            rank += 1;
        }
    }
    for (i, s) in surnames::COMMON.iter().enumerate() {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        for c in s.chars() {
            let r = frequent.entry(c).or_insert(i);
            *r = (*r).min(i);
        }
    }
    let gb = gb2312_ranks();

    let mut map: HashMap<String, Vec<Entry>> = HashMap::with_capacity(1600);
    let mut other_rank = 0u32;
    let mut primary = String::new();
    let mut syl = String::new();
    for &(lo, hi) in CJK_RANGES {
        for ch in (lo..=hi).filter_map(char::from_u32) {
            let Some(readings) = ch.to_pinyin_multi() else {
                continue;
            };
            // Offer only what the screen and the slip can draw (see `crate::fonts`).
            if !crate::fonts::can_draw(ch) {
                continue;
            }
            let (tier, rank) = if let Some(&r) = frequent.get(&ch) {
                (TIER_FREQUENT, r)
            } else if let Some(&(t, r)) = gb.get(&ch) {
                (t, r)
            } else {
                other_rank += 1;
                (TIER_OTHER, other_rank)
            };
            primary.clear();
            for (i, reading) in readings.into_iter().enumerate() {
                normalize_into(reading.plain(), &mut syl);
                if syl.is_empty() {
                    continue;
                }
                if i == 0 {
                    primary.clone_from(&syl);
                }
                let entry = Entry {
                    key: Entry::pack_key(tier, syl != primary, rank),
                    ch,
                };
                match map.get_mut(syl.as_str()) {
                    // Same syllable with another tone: keep the first (best).
                    Some(v) if v.last().is_some_and(|e| e.ch == ch) => {}
                    Some(v) => v.push(entry),
                    None => {
                        map.insert(syl.clone(), vec![entry]);
                    }
                }
            }
        }
    }
    for &(alias, target) in ALIASES {
        if !map.contains_key(alias) {
            if let Some(v) = map.get(target).cloned() {
                map.insert(alias.to_owned(), v);
            }
        }
    }
    let mut syllables = BTreeMap::new();
    let mut max_len = 1;
    for (k, mut v) in map {
        v.sort_unstable_by_key(|e| (e.key, e.ch));
        max_len = max_len.max(k.len());
        syllables.insert(k, v);
    }
    Index { syllables, max_len }
}

/// How a run of letters in the buffer was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentKind {
    /// A complete syllable.
    Syllable,
    /// The start of a syllable still being typed (only ever the last segment).
    Partial,
    /// Letters that start no syllable (never left in the buffer by `push`).
    Invalid,
}

/// A run of letters `buffer()[start..end]` read as one syllable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub start: usize,
    pub end: usize,
    pub kind: SegmentKind,
}

/// One page of candidates.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Page {
    /// The candidates on this page (each one character, or a compound surname).
    pub items: Vec<String>,
    /// Whether an earlier page exists.
    pub has_prev: bool,
    /// Whether a later page exists.
    pub has_next: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Candidate {
    text: String,
    /// Number of buffer letters that committing this candidate consumes.
    consumed: usize,
}

/// State of one composition: letters typed so far and their candidates.
///
/// Cheap to create; all engines share the static dictionary index.
#[derive(Debug, Clone, Default)]
pub struct PinyinEngine {
    letters: String,
    segments: Vec<Segment>,
    composition: String,
    candidates: Vec<Candidate>,
}

impl PinyinEngine {
    /// An empty engine.
    pub fn new() -> Self {
        Self::default()
    }

    /// Types one letter. `a`–`z` are accepted (`A`–`Z` are taken as lower
    /// case, `v` and `ü` stand for ü); anything else is ignored. A letter is
    /// also refused when the buffer already holds [`MAX_LETTERS`] letters or
    /// when no syllable could be read with it (e.g. `i` on an empty buffer,
    /// `zhangi`), so the buffer always spells valid pinyin.
    /// Returns whether the letter was taken.
    pub fn push(&mut self, letter: char) -> bool {
        let Some(letter) = Self::letter(letter) else {
            return false;
        };
        if self.letters.len() >= MAX_LETTERS {
            return false;
        }
        self.letters.push(letter);
        let segments = segment(&self.letters, index());
        if segments.iter().any(|s| s.kind == SegmentKind::Invalid) {
            self.letters.pop();
            return false;
        }
        self.segments = segments;
        self.refresh_views();
        true
    }

    /// Whether [`push`](Self::push) would take `letter` now (for greying out
    /// keys that cannot continue the pinyin).
    pub fn can_push(&self, letter: char) -> bool {
        self.clone().push(letter)
    }

    fn letter(c: char) -> Option<char> {
        match c {
            'a'..='z' => Some(c),
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            'ü' | 'Ü' => Some('v'),
            _ => None,
        }
    }

    /// Removes the last letter; returns whether there was one.
    pub fn backspace(&mut self) -> bool {
        if self.letters.pop().is_none() {
            return false;
        }
        self.resegment();
        true
    }

    /// Drops the whole composition.
    pub fn clear(&mut self) {
        self.letters.clear();
        self.resegment();
    }

    /// Whether nothing is being composed.
    pub fn is_empty(&self) -> bool {
        self.letters.is_empty()
    }

    /// The letters typed (lower case, `v` for ü), without separators.
    pub fn buffer(&self) -> &str {
        &self.letters
    }

    /// The buffer as shown in the composition line: syllables separated by
    /// `'` and `v` shown as `ü` (e.g. `zhang'san`, `lü`).
    pub fn composition(&self) -> &str {
        &self.composition
    }

    /// How the buffer is read, syllable by syllable.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Number of candidates in the full list.
    pub fn candidate_count(&self) -> usize {
        self.candidates.len()
    }

    /// The candidate at `index` of the full list.
    pub fn candidate(&self, index: usize) -> Option<&str> {
        self.candidates.get(index).map(|c| c.text.as_str())
    }

    /// Page `page` (from 0) of the candidate list, `per_page` items a page.
    /// Item `i` of the page is item `page * per_page + i` of the full list.
    pub fn candidates_page(&self, page: usize, per_page: usize) -> Page {
        let total = self.candidates.len();
        if per_page == 0 || total == 0 {
            return Page::default();
        }
        let start = page.saturating_mul(per_page);
        let end = start.saturating_add(per_page).min(total);
        let items = self
            .candidates
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .map(|c| c.text.clone())
            .collect();
        Page {
            items,
            has_prev: page > 0,
            has_next: end < total,
        }
    }

    /// Number of pages of `per_page` candidates (0 when there are none).
    pub fn page_count(&self, per_page: usize) -> usize {
        if per_page == 0 {
            0
        } else {
            self.candidates.len().div_ceil(per_page)
        }
    }

    /// Commits the candidate at `index` of the full list: returns its text and
    /// removes the letters it covers, the rest of the buffer keeps composing.
    /// `None` (and no change) when there is no such candidate.
    pub fn commit(&mut self, index: usize) -> Option<String> {
        let cand = self.candidates.get(index)?.clone();
        let consumed = cand.consumed.min(self.letters.len());
        self.letters.drain(..consumed);
        self.resegment();
        Some(cand.text)
    }

    fn resegment(&mut self) {
        self.segments = if self.letters.is_empty() {
            Vec::new()
        } else {
            segment(&self.letters, index())
        };
        self.refresh_views();
    }

    fn refresh_views(&mut self) {
        self.composition.clear();
        for (i, s) in self.segments.iter().enumerate() {
            if i > 0 {
                self.composition.push('\'');
            }
            let text = self.letters.get(s.start..s.end).unwrap_or_default();
            self.composition
                .extend(text.chars().map(|c| if c == 'v' { 'ü' } else { c }));
        }
        self.candidates = self.compute_candidates();
    }

    fn compute_candidates(&self) -> Vec<Candidate> {
        let mut out = Vec::new();
        let Some(first) = self.segments.first() else {
            return out;
        };
        if first.kind == SegmentKind::Invalid {
            return out;
        }
        let idx = index();
        let text = |s: &Segment| self.letters.get(s.start..s.end).unwrap_or_default();
        let s0 = text(first);

        // Compound surnames whose two syllables are typed in full.
        if let Some(second) = self.segments.get(1) {
            if second.kind == SegmentKind::Syllable {
                let s1 = text(second);
                for (name, [a, b]) in surnames::COMPOUND_PINYIN {
                    if *a == s0 && *b == s1 {
                        out.push(Candidate {
                            text: (*name).to_owned(),
                            consumed: second.end,
                        });
                    }
                }
            }
        }

        let consumed = first.end;
        if self.segments.len() == 1 {
            // Whole buffer is one (possibly incomplete) syllable: offer every
            // syllable starting with it, the typed one first within a tier.
            let mut keyed: Vec<(u64, char)> = idx
                .with_prefix(s0)
                .flat_map(|(syl, entries)| {
                    let completion = syl != s0;
                    entries.iter().map(move |e| (e.query_key(completion), e.ch))
                })
                .collect();
            keyed.sort_unstable();
            let mut seen = HashSet::with_capacity(keyed.len());
            out.extend(
                keyed
                    .into_iter()
                    .filter(|&(_, c)| seen.insert(c))
                    .map(|(_, c)| Candidate {
                        text: c.to_string(),
                        consumed,
                    }),
            );
        } else if let Some(entries) = idx.syllables.get(s0) {
            out.extend(entries.iter().map(|e| Candidate {
                text: e.ch.to_string(),
                consumed,
            }));
        }
        out
    }
}

/// Splits `letters` into syllables: the reading with the fewest invalid
/// letters, then the fewest segments, then the longest first syllable. Only
/// the last segment may be an incomplete syllable.
fn segment(letters: &str, idx: &Index) -> Vec<Segment> {
    let n = letters.len();
    if n == 0 || !letters.is_ascii() {
        return Vec::new();
    }
    // best[i]: (invalid letters, segments) for letters[i..]; choice[i]: first segment.
    let mut best = vec![(0usize, 0usize); n + 1];
    let mut choice = vec![(1usize, SegmentKind::Invalid); n + 1];
    for i in (0..n).rev() {
        let mut found: Option<((usize, usize), (usize, SegmentKind))> = None;
        for len in (1..=idx.max_len.min(n - i)).rev() {
            let s = &letters[i..i + len];
            let kind = if idx.is_syllable(s) {
                SegmentKind::Syllable
            } else if i + len == n && idx.is_prefix(s) {
                SegmentKind::Partial
            } else if len == 1 {
                SegmentKind::Invalid
            } else {
                continue;
            };
            let (bad, count) = best[i + len];
            let cost = (bad + usize::from(kind == SegmentKind::Invalid), count + 1);
            if found.is_none_or(|(c, _)| cost < c) {
                found = Some((cost, (len, kind)));
            }
        }
        if let Some((cost, ch)) = found {
            best[i] = cost;
            choice[i] = ch;
        }
    }
    let mut out = Vec::with_capacity(best[0].1);
    let mut i = 0;
    while i < n {
        let (len, kind) = choice[i];
        out.push(Segment {
            start: i,
            end: i + len,
            kind,
        });
        i += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::time::Instant;

    fn typed(s: &str) -> PinyinEngine {
        let mut e = PinyinEngine::new();
        for c in s.chars() {
            assert!(e.push(c), "letter {c:?} of {s:?} refused");
        }
        e
    }

    fn all(e: &PinyinEngine) -> Vec<String> {
        (0..e.candidate_count())
            .map(|i| e.candidate(i).unwrap().to_owned())
            .collect()
    }

    fn pos(e: &PinyinEngine, c: &str) -> Option<usize> {
        all(e).iter().position(|x| x == c)
    }

    #[test]
    fn index_build_time() {
        let t = Instant::now();
        let idx = build_index();
        let took = t.elapsed();
        let chars: usize = idx.syllables.values().map(Vec::len).sum();
        println!(
            "pinyin index: {} syllables, {} (syllable, char) entries, max syllable {} letters, built in {:?}",
            idx.syllables.len(),
            chars,
            idx.max_len,
            took
        );
        warm_up();
        let mut slowest = (std::time::Duration::ZERO, 'a');
        for c in 'a'..='z' {
            let mut e = PinyinEngine::new();
            let t = Instant::now();
            e.push(c);
            slowest = slowest.max((t.elapsed(), c));
        }
        println!("slowest first keystroke: {:?} for {:?}", slowest.0, slowest.1);
        assert!(idx.syllables.len() > 400);
        assert!(chars > 30_000);
        assert!(idx.max_len <= 6);
    }

    #[test]
    fn syllable_keys_are_lowercase_ascii() {
        for k in index().syllables.keys() {
            assert!(!k.is_empty() && k.bytes().all(|b| b.is_ascii_lowercase()), "{k:?}");
        }
        for s in ["a", "zhuang", "lv", "nve", "er", "lue", "yuan", "ei"] {
            assert!(is_syllable(s), "{s}");
        }
        for s in ["", "zh", "iu", "v", "zhangs"] {
            assert!(!is_syllable(s), "{s}");
        }
    }

    #[test]
    fn frequent_list_has_no_duplicates_and_all_have_readings() {
        let mut seen = HashSet::new();
        for c in FREQUENT_CHARS
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .flat_map(str::chars)
            .filter(|c| !c.is_whitespace())
        {
            assert!(seen.insert(c), "duplicate {c}");
            assert!(c.to_pinyin_multi().is_some(), "{c} has no reading");
        }
        assert!(seen.len() > 300, "{}", seen.len());
    }

    #[test]
    fn gb2312_levels() {
        let gb = gb2312_ranks();
        assert_eq!(gb.values().filter(|v| v.0 == TIER_GB_LEVEL1).count(), 3755);
        assert_eq!(gb.values().filter(|v| v.0 == TIER_GB_LEVEL2).count(), 3008);
        assert_eq!(gb[&'啊'], (TIER_GB_LEVEL1, 0));
        assert_eq!(gb[&'亍'].0, TIER_GB_LEVEL2);
    }

    #[test]
    fn wang_first_is_wang() {
        let e = typed("wang");
        assert_eq!(e.candidate(0), Some("王"));
        assert_eq!(e.candidates_page(0, 5).items[0], "王");
    }

    #[test]
    fn common_surnames_rank_early() {
        let e = typed("zhang");
        assert_eq!(e.candidate(0), Some("张"));
        assert!(pos(&e, "张").unwrap() < pos(&e, "章").unwrap());
        let li = typed("li");
        assert!(pos(&li, "李").unwrap() < 5, "{:?}", &all(&li)[..10]);
        for (py, c) in [("chen", "陈"), ("liu", "刘"), ("huang", "黄"), ("zhou", "周")] {
            assert_eq!(typed(py).candidate(0), Some(c), "{py}");
        }
        // Every common surname is within the first page of its syllable.
        for s in surnames::COMMON {
            let ch = s.chars().next().unwrap();
            let readings = ch.to_pinyin_multi().unwrap();
            let mut py = String::new();
            normalize_into(readings.get(0).plain(), &mut py);
            let e = typed(&py);
            let p = pos(&e, s).unwrap_or(usize::MAX);
            assert!(p < 9, "{s} ({py}) at {p}");
        }
    }

    #[test]
    fn frequent_before_level1_before_level2_before_rare() {
        // 的 (curated) first for "de"; secondary reading 的 (dí) after 地 for "di".
        assert_eq!(typed("de").candidate(0), Some("的"));
        let di = typed("di");
        assert!(pos(&di, "地").unwrap() < pos(&di, "的").unwrap());
        // 玥 (not in GB2312) after every GB2312 character of "yue".
        let yue = typed("yue");
        assert!(pos(&yue, "越").unwrap() < pos(&yue, "钺").unwrap()); // level 1 vs level 2
        assert!(pos(&yue, "钺").unwrap() < pos(&yue, "玥").unwrap());
    }

    #[test]
    fn rare_name_characters_are_reachable() {
        for (py, c) in [
            ("yan", "䶮"),
            ("yun", "赟"),
            ("yue", "玥"),
            ("zhe", "喆"),
            ("kun", "堃"),
            ("sheng", "昇"),
            ("chong", "翀"),
        ] {
            let mut e = typed(py);
            let i = pos(&e, c).unwrap_or_else(|| panic!("{c} not offered for {py}"));
            assert_eq!(e.commit(i).as_deref(), Some(c));
            assert!(e.is_empty());
        }
        // Extension B character reached too (𠀀 he).
        assert!(characters_for("he").contains(&'𠀀'));
    }

    #[test]
    fn every_offered_character_can_be_drawn_and_printed() {
        let offered: HashSet<char> = index().syllables.values().flatten().map(|e| e.ch).collect();
        let blank: Vec<char> = offered
            .iter()
            .copied()
            .filter(|&c| crate::fonts::outline_box(c).is_none())
            .collect();
        assert!(
            blank.is_empty(),
            "{} offered characters have no glyph: {blank:?}",
            blank.len()
        );
        // The extensions are offered, not dropped: the rare name characters stay.
        let in_ext = |lo: u32, hi: u32| offered.iter().filter(|&&c| (lo..=hi).contains(&u32::from(c))).count();
        assert!(in_ext(0x3400, 0x4DBF) > 5_000, "Extension A");
        assert!(in_ext(0x20000, 0x2A6DF) > 10_000, "Extension B");
        for c in ['䶮', '𠀀', '堃', '喆', '犇'] {
            assert!(offered.contains(&c), "{c}");
        }
        // What no bundled font has (U+31F55, Extension H) has a reading but is not offered.
        assert!('\u{31F55}'.to_pinyin_multi().is_some());
        assert!(!offered.contains(&'\u{31F55}'));
    }

    #[test]
    fn zhangsan_segmentation_and_commit() {
        let mut e = typed("zhangsan");
        assert_eq!(e.buffer(), "zhangsan");
        assert_eq!(e.composition(), "zhang'san");
        assert_eq!(e.segments().len(), 2);
        assert_eq!(e.candidate(0), Some("张"));
        let i = pos(&e, "张").unwrap();
        assert_eq!(e.commit(i).as_deref(), Some("张"));
        assert_eq!(e.buffer(), "san");
        assert_eq!(e.composition(), "san");
        assert_eq!(e.candidate(0), Some("三"));
        assert_eq!(e.commit(0).as_deref(), Some("三"));
        assert!(e.is_empty());
        assert_eq!(e.candidate_count(), 0);
        assert_eq!(e.commit(0), None);
    }

    #[test]
    fn segmentation_prefers_fewest_valid_syllables() {
        assert_eq!(typed("xian").composition(), "xian");
        assert_eq!(typed("xiangu").composition(), "xian'gu");
        assert_eq!(typed("fangan").composition(), "fang'an");
        assert_eq!(typed("zhangs").composition(), "zhang's");
        assert_eq!(typed("lvshi").composition(), "lü'shi");
        let e = typed("zhangs");
        assert_eq!(e.segments()[1].kind, SegmentKind::Partial);
        assert_eq!(e.candidate(0), Some("张"));
    }

    #[test]
    fn incomplete_syllables_offer_completions() {
        let zh = typed("zh");
        assert_eq!(zh.segments()[0].kind, SegmentKind::Partial);
        let first: Vec<_> = all(&zh).into_iter().take(5).collect();
        assert!(first.contains(&"中".to_owned()), "{first:?}");
        assert!(first.iter().all(|c| c != "的"));
        let wa = typed("wa");
        assert_eq!(wa.candidate(0), Some("王"), "{:?}", &all(&wa)[..10]);
        assert!(pos(&wa, "娃").is_some());
        assert!(pos(&wa, "万").unwrap() < 20);
        // No duplicates although 着 has several zh- readings.
        let list = all(&zh);
        let set: HashSet<_> = list.iter().collect();
        assert_eq!(set.len(), list.len());
        assert!(pos(&zh, "着").is_some());
    }

    #[test]
    fn v_is_u_umlaut() {
        let e = typed("lv");
        assert_eq!(e.composition(), "lü");
        let top: Vec<_> = all(&e).into_iter().take(9).collect();
        assert_eq!(top[0], "吕");
        assert!(top.contains(&"绿".to_owned()), "{top:?}");
        assert_eq!(typed("nv").candidate(0), Some("女"));
        let mut u = PinyinEngine::new();
        assert!(u.push('l') && u.push('ü'));
        assert_eq!(u.buffer(), "lv");
        assert!(pos(&typed("lue"), "略").unwrap() < 3);
        assert!(pos(&typed("lve"), "略").unwrap() < 3);
    }

    #[test]
    fn compound_surnames_offered_first() {
        let mut e = typed("ouyang");
        assert_eq!(e.candidate(0), Some("欧阳"));
        assert_eq!(e.candidate(1), Some("欧"));
        assert_eq!(e.commit(0).as_deref(), Some("欧阳"));
        assert!(e.is_empty());
        let mut e = typed("ouyangfeng");
        assert_eq!(e.commit(0).as_deref(), Some("欧阳"));
        assert_eq!(e.buffer(), "feng");
        for (name, [a, b]) in surnames::COMPOUND_PINYIN {
            let e = typed(&format!("{a}{b}"));
            assert_eq!(e.candidate(0), Some(*name), "{a}{b}");
        }
    }

    #[test]
    fn paging() {
        let e = typed("shi");
        let total = e.candidate_count();
        assert!(total > 50);
        let per = 8;
        let pages = e.page_count(per);
        assert_eq!(pages, total.div_ceil(per));
        let mut collected = Vec::new();
        for p in 0..pages {
            let page = e.candidates_page(p, per);
            assert_eq!(page.has_prev, p > 0, "page {p}");
            assert_eq!(page.has_next, p + 1 < pages, "page {p}");
            assert!(!page.items.is_empty() && page.items.len() <= per);
            collected.extend(page.items);
        }
        assert_eq!(collected, all(&e));
        let set: HashSet<_> = collected.iter().collect();
        assert_eq!(set.len(), collected.len());
        let beyond = e.candidates_page(pages, per);
        assert!(beyond.items.is_empty() && beyond.has_prev && !beyond.has_next);
        assert_eq!(e.candidates_page(0, 0), Page::default());
        assert!(e.candidates_page(usize::MAX, usize::MAX).items.is_empty());
        // Commit by index in the full list matches the page item.
        let page2 = e.candidates_page(2, per);
        let mut c = e.clone();
        assert_eq!(c.commit(2 * per + 1), Some(page2.items[1].clone()));
    }

    #[test]
    fn backspace_clear_and_empty() {
        let mut e = PinyinEngine::new();
        assert_eq!(e.candidate_count(), 0);
        assert_eq!(e.candidates_page(0, 9), Page::default());
        assert_eq!(e.commit(0), None);
        assert!(!e.backspace());
        e = typed("wang");
        assert!(e.backspace());
        assert_eq!(e.buffer(), "wan");
        assert_eq!(e.candidate(0), Some("万"), "{:?}", &all(&e)[..5]);
        e.clear();
        assert!(e.is_empty());
        assert_eq!(e.buffer(), "");
        assert_eq!(e.composition(), "");
        assert_eq!(e.candidate_count(), 0);
        assert!(!e.candidates_page(0, 9).has_next);
    }

    #[test]
    fn invalid_input_is_refused() {
        let mut e = PinyinEngine::new();
        for c in ['i', 'u', 'v', '1', ' ', '\'', '张', '\0'] {
            assert!(!e.push(c), "{c:?}");
            assert!(!e.can_push(c));
        }
        assert!(e.is_empty());
        assert!(e.can_push('Z') && e.push('Z'));
        assert_eq!(e.buffer(), "z");
        let mut e = typed("zhang");
        assert!(!e.push('i'));
        assert_eq!(e.buffer(), "zhang");
        let mut e = PinyinEngine::new();
        let mut n = 0;
        for _ in 0..100 {
            for c in "a".chars() {
                n += usize::from(e.push(c));
            }
        }
        assert_eq!(n, MAX_LETTERS);
        assert_eq!(e.buffer().len(), MAX_LETTERS);
        assert_eq!(e.segments().len(), MAX_LETTERS);
    }

    #[derive(Debug, Clone)]
    enum Op {
        Push(char),
        Backspace,
        Clear,
        Commit(usize),
        Page(usize, usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            8 => prop::char::range('a', 'z').prop_map(Op::Push),
            2 => any::<char>().prop_map(Op::Push),
            1 => Just(Op::Backspace),
            1 => Just(Op::Clear),
            2 => (0usize..40).prop_map(Op::Commit),
            1 => any::<usize>().prop_map(Op::Commit),
            1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Op::Page(a, b)),
            1 => (0usize..5, 0usize..12).prop_map(|(a, b)| Op::Page(a, b)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn never_panics_and_stays_consistent(ops in prop::collection::vec(op(), 0..80)) {
            let mut e = PinyinEngine::new();
            for op in ops {
                match op {
                    Op::Push(c) => { e.push(c); }
                    Op::Backspace => { e.backspace(); }
                    Op::Clear => e.clear(),
                    Op::Commit(i) => {
                        let before = e.buffer().len();
                        if let Some(t) = e.commit(i) {
                            prop_assert!(!t.is_empty());
                            prop_assert!(e.buffer().len() < before);
                        }
                    }
                    Op::Page(p, n) => {
                        let page = e.candidates_page(p, n);
                        prop_assert!(page.items.len() <= n);
                    }
                }
                prop_assert!(e.buffer().len() <= MAX_LETTERS);
                prop_assert!(e.buffer().bytes().all(|b| b.is_ascii_lowercase()));
                prop_assert!(e.segments().iter().all(|s| s.kind != SegmentKind::Invalid));
                prop_assert_eq!(e.is_empty(), e.candidate_count() == 0);
            }
        }

        #[test]
        fn arbitrary_letter_strings_segment(s in "[a-z]{0,40}") {
            let idx = index();
            let segs = segment(&s, idx);
            let joined: usize = segs.iter().map(|g| g.end - g.start).sum();
            prop_assert_eq!(joined, s.len());
            let mut e = PinyinEngine::new();
            for c in s.chars() { e.push(c); }
            while e.commit(0).is_some() {}
            prop_assert!(e.is_empty());
        }
    }
}

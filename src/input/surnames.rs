//! Chinese surname data for the on-screen name entry.
//!
//! [`COMMON`] lists the 100 most common single-character surnames in
//! descending order of population (based on the Ministry of Public Security
//! household-registration rankings of recent years; the tail of such lists
//! shifts slightly from year to year). [`COMPOUND`] lists the compound
//! (two-character) surnames people still meet in practice, and
//! [`COMPOUND_PINYIN`] gives their readings, several of which are not the
//! everyday reading of the characters (尉迟 is *yù chí*, 长孙 is *zhǎng sūn*,
//! 万俟 is *mò qí*, 单于 is *chán yú*, 澹台 is *tán tái*).

/// The 100 most common single-character Chinese surnames, most common first.
pub const COMMON: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", //
    "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高", "罗", //
    "郑", "梁", "谢", "宋", "唐", "许", "韩", "邓", "冯", "曹", //
    "彭", "曾", "肖", "田", "董", "潘", "袁", "蔡", "蒋", "余", //
    "于", "杜", "叶", "程", "魏", "苏", "吕", "丁", "任", "卢", //
    "姚", "沈", "钟", "姜", "崔", "谭", "陆", "范", "汪", "廖", //
    "石", "金", "韦", "贾", "夏", "付", "方", "邹", "熊", "白", //
    "孟", "秦", "邱", "侯", "江", "尹", "薛", "闫", "段", "雷", //
    "龙", "黎", "史", "陶", "贺", "毛", "郝", "顾", "龚", "邵", //
    "万", "覃", "武", "钱", "戴", "严", "莫", "孔", "向", "常", //
];

/// Compound (two-character) surnames, roughly most common first.
pub const COMPOUND: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", //
    "夏侯", "长孙", "宇文", "司徒", "端木", "西门", "南宫", "独孤", "轩辕", "申屠", //
    "呼延", "闻人", "太史", "公冶", "澹台", "百里", "司空", "万俟", "单于", "赫连", //
    "钟离", "宗政", "濮阳", "淳于", "拓跋", "左丘", "东郭", "第五", "梁丘", "范姜", //
];

/// Toneless pinyin (one syllable per character, `v` for ü) of every entry of
/// [`COMPOUND`], in the same order.
pub const COMPOUND_PINYIN: &[(&str, [&str; 2])] = &[
    ("欧阳", ["ou", "yang"]),
    ("司马", ["si", "ma"]),
    ("诸葛", ["zhu", "ge"]),
    ("上官", ["shang", "guan"]),
    ("东方", ["dong", "fang"]),
    ("皇甫", ["huang", "fu"]),
    ("尉迟", ["yu", "chi"]),
    ("公孙", ["gong", "sun"]),
    ("慕容", ["mu", "rong"]),
    ("令狐", ["ling", "hu"]),
    ("夏侯", ["xia", "hou"]),
    ("长孙", ["zhang", "sun"]),
    ("宇文", ["yu", "wen"]),
    ("司徒", ["si", "tu"]),
    ("端木", ["duan", "mu"]),
    ("西门", ["xi", "men"]),
    ("南宫", ["nan", "gong"]),
    ("独孤", ["du", "gu"]),
    ("轩辕", ["xuan", "yuan"]),
    ("申屠", ["shen", "tu"]),
    ("呼延", ["hu", "yan"]),
    ("闻人", ["wen", "ren"]),
    ("太史", ["tai", "shi"]),
    ("公冶", ["gong", "ye"]),
    ("澹台", ["tan", "tai"]),
    ("百里", ["bai", "li"]),
    ("司空", ["si", "kong"]),
    ("万俟", ["mo", "qi"]),
    ("单于", ["chan", "yu"]),
    ("赫连", ["he", "lian"]),
    ("钟离", ["zhong", "li"]),
    ("宗政", ["zong", "zheng"]),
    ("濮阳", ["pu", "yang"]),
    ("淳于", ["chun", "yu"]),
    ("拓跋", ["tuo", "ba"]),
    ("左丘", ["zuo", "qiu"]),
    ("东郭", ["dong", "guo"]),
    ("第五", ["di", "wu"]),
    ("梁丘", ["liang", "qiu"]),
    ("范姜", ["fan", "jiang"]),
];

/// Whether `s` (surrounding whitespace ignored) is one of the surnames in
/// [`COMMON`] or [`COMPOUND`].
pub fn is_known_surname(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty() && (COMMON.contains(&s) || COMPOUND.contains(&s))
}

/// Position of `c` in [`COMMON`] (0 = most common), if it is listed there.
pub fn common_rank(c: char) -> Option<usize> {
    let mut buf = [0u8; 4];
    let s: &str = c.encode_utf8(&mut buf);
    COMMON.iter().position(|x| *x == s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn common_has_about_100_unique_single_characters() {
        assert!((90..=110).contains(&COMMON.len()), "{}", COMMON.len());
        let set: HashSet<_> = COMMON.iter().collect();
        assert_eq!(set.len(), COMMON.len(), "duplicate in COMMON");
        for s in COMMON {
            assert_eq!(s.chars().count(), 1, "{s} is not one character");
        }
    }

    #[test]
    fn common_starts_with_the_big_five() {
        assert_eq!(&COMMON[..5], &["王", "李", "张", "刘", "陈"]);
        assert_eq!(common_rank('王'), Some(0));
        assert_eq!(common_rank('陈'), Some(4));
        assert_eq!(common_rank('的'), None);
    }

    #[test]
    fn compound_unique_two_characters_and_disjoint_from_common() {
        let set: HashSet<_> = COMPOUND.iter().collect();
        assert_eq!(set.len(), COMPOUND.len(), "duplicate in COMPOUND");
        for s in COMPOUND {
            assert_eq!(s.chars().count(), 2, "{s}");
            assert!(!COMMON.contains(s));
        }
        for s in ["欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙"] {
            assert!(COMPOUND.contains(&s), "{s}");
        }
    }

    #[test]
    fn compound_pinyin_matches_compound_list() {
        assert_eq!(COMPOUND_PINYIN.len(), COMPOUND.len());
        for (name, (n, syllables)) in COMPOUND.iter().zip(COMPOUND_PINYIN) {
            assert_eq!(name, n);
            for s in syllables {
                assert!(!s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase()), "{s}");
            }
        }
    }

    #[test]
    fn known_surname_lookup() {
        assert!(is_known_surname("王"));
        assert!(is_known_surname(" 欧阳 "));
        assert!(is_known_surname("常"));
        assert!(!is_known_surname(""));
        assert!(!is_known_surname("的"));
        assert!(!is_known_surname("王李"));
        assert!(!is_known_surname("wang"));
    }
}

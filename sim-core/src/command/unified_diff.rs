//! A unified line diff (`diff -u`), as `kubectl diff` shows through GNU diff: Myers' O(ND)
//! shortest edit script over lines, each change printed as its deletions then its insertions,
//! changes closer than twice the context merged into one hunk, and `@@ -l,s +l,s @@` headers
//! with GNU's rules (a count of 1 left out, an empty range numbered by the line before it).
//!
//! Pure text in, text out. The work is bounded: common leading and trailing lines are set aside
//! first, and when the rest needs more than [`MAX_EDIT_DISTANCE`] edits the diff falls back to
//! deleting and inserting that whole middle (still a correct diff, only not the shortest; GNU
//! diff has its own heuristics for large inputs, so such diffs may differ from its output).

/// The most line edits the shortest-script search explores before it falls back (its memory
/// grows with the square of this).
pub(super) const MAX_EDIT_DISTANCE: usize = 1000;

/// One step of an edit script over lines (indexes into the old and new line lists).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    /// The old line `.0` is the new line `.1`.
    Equal(usize, usize),
    /// The old line is removed.
    Delete(usize),
    /// The new line is inserted.
    Insert(usize),
}

/// The hunks of `diff -u` (with `context` lines of context) turning `old` into `new`, without
/// the `---`/`+++` header; empty when the texts are equal.
pub(super) fn hunks(old: &str, new: &str, context: usize) -> String {
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = edit_script(&a, &b);
    if ops.iter().all(|op| matches!(op, Op::Equal(..))) {
        return String::new();
    }
    // Lines of each side consumed before each op, for the hunk headers.
    let mut before = Vec::with_capacity(ops.len() + 1);
    let (mut ai, mut bi) = (0usize, 0usize);
    for op in &ops {
        before.push((ai, bi));
        match op {
            Op::Equal(..) => {
                ai += 1;
                bi += 1;
            }
            Op::Delete(_) => ai += 1,
            Op::Insert(_) => bi += 1,
        }
    }
    before.push((ai, bi));

    let is_change = |i: usize| !matches!(ops[i], Op::Equal(..));
    let mut out = String::new();
    let mut i = 0;
    while let Some(first) = (i..ops.len()).find(|&j| is_change(j)) {
        let start = first.saturating_sub(context).max(i);
        // Extend over changes separated by at most 2 × context equal lines.
        let mut end = first;
        loop {
            while end < ops.len() && is_change(end) {
                end += 1;
            }
            let equal_run = (end..ops.len()).take_while(|&j| !is_change(j)).count();
            if end + equal_run < ops.len() && equal_run <= 2 * context {
                end += equal_run;
            } else {
                end = (end + context.min(equal_run)).min(ops.len());
                break;
            }
        }
        let (a0, b0) = before[start];
        let (a1, b1) = before[end];
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(a0, a1 - a0),
            range(b0, b1 - b0)
        ));
        for op in &ops[start..end] {
            let (mark, line, last) = match *op {
                Op::Equal(x, _) => (' ', a[x], x + 1 == a.len()),
                Op::Delete(x) => ('-', a[x], x + 1 == a.len()),
                Op::Insert(y) => ('+', b[y], y + 1 == b.len()),
            };
            out.push(mark);
            out.push_str(line);
            if last && !line.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        }
        i = end;
    }
    out
}

/// GNU's range in a hunk header: `l,s`, `l` alone when `s` is 1, and for an empty range the
/// number of the line before it.
fn range(start: usize, len: usize) -> String {
    match len {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        n => format!("{},{n}", start + 1),
    }
}

/// A shortest edit script from `a` to `b` (within [`MAX_EDIT_DISTANCE`]), each run of changes
/// ordered deletions first.
fn edit_script(a: &[&str], b: &[&str]) -> Vec<Op> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (am, bm) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut ops: Vec<Op> = (0..prefix).map(|i| Op::Equal(i, i)).collect();
    let middle = myers(am, bm).unwrap_or_else(|| {
        (0..am.len())
            .map(Op::Delete)
            .chain((0..bm.len()).map(Op::Insert))
            .collect()
    });
    ops.extend(middle.into_iter().map(|op| match op {
        Op::Equal(x, y) => Op::Equal(x + prefix, y + prefix),
        Op::Delete(x) => Op::Delete(x + prefix),
        Op::Insert(y) => Op::Insert(y + prefix),
    }));
    let (a_end, b_end) = (a.len() - suffix, b.len() - suffix);
    ops.extend((0..suffix).map(|i| Op::Equal(a_end + i, b_end + i)));
    deletions_first(&mut ops);
    ops
}

/// Puts each run of changes in the order GNU diff prints them: all its deletions, then all its
/// insertions.
fn deletions_first(ops: &mut [Op]) {
    let mut i = 0;
    while i < ops.len() {
        if matches!(ops[i], Op::Equal(..)) {
            i += 1;
            continue;
        }
        let end = (i..ops.len())
            .find(|&j| matches!(ops[j], Op::Equal(..)))
            .unwrap_or(ops.len());
        // A stable sort keeps the deletions (and the insertions) in their own order.
        ops[i..end].sort_by_key(|op| matches!(op, Op::Insert(_)));
        i = end;
    }
}

/// Myers' greedy shortest edit script (E. Myers, "An O(ND) Difference Algorithm and Its
/// Variations", 1986), keeping each round's frontier to walk the path back. `None` when more
/// than [`MAX_EDIT_DISTANCE`] edits are needed.
fn myers(a: &[&str], b: &[&str]) -> Option<Vec<Op>> {
    let (n, m) = (a.len(), b.len());
    let max = n + m;
    if max == 0 {
        return Some(Vec::new());
    }
    // v[k + offset] = furthest x reached on diagonal k = x - y.
    let offset = max + 1;
    let mut v = vec![0usize; 2 * max + 3];
    // trace[d] = v on diagonals -(d+1)..=d+1 before round d.
    let mut trace: Vec<Vec<usize>> = Vec::new();
    let idx = |k: isize| (k + offset as isize) as usize;
    for d in 0..=max.min(MAX_EDIT_DISTANCE) {
        let di = d as isize;
        trace.push(v[idx(-di - 1)..=idx(di + 1)].to_vec());
        let mut k = -di;
        while k <= di {
            let mut x = if k == -di || (k != di && v[idx(k - 1)] < v[idx(k + 1)]) {
                v[idx(k + 1)]
            } else {
                v[idx(k - 1)] + 1
            };
            let mut y = (x as isize - k) as usize;
            while x < n && y < m && a[x] == b[y] {
                x += 1;
                y += 1;
            }
            v[idx(k)] = x;
            if x >= n && y >= m {
                return Some(backtrack(&trace, n, m));
            }
            k += 2;
        }
    }
    None
}

/// The path Myers' search found, from the frontiers it kept, as ops from the start.
fn backtrack(trace: &[Vec<usize>], n: usize, m: usize) -> Vec<Op> {
    let mut ops = Vec::new();
    let (mut x, mut y) = (n as isize, m as isize);
    for (d, v) in trace.iter().enumerate().rev() {
        let di = d as isize;
        // The round's window starts at diagonal -(d+1).
        let at = |k: isize| v[(k + di + 1) as usize] as isize;
        let k = x - y;
        let prev_k = if k == -di || (k != di && at(k - 1) < at(k + 1)) {
            k + 1
        } else {
            k - 1
        };
        // Round 0 starts from (0, 0), as if from (0, -1) on diagonal 1.
        let prev_x = at(prev_k);
        let prev_y = prev_x - prev_k;
        while x > prev_x && y > prev_y && x > 0 && y > 0 {
            x -= 1;
            y -= 1;
            ops.push(Op::Equal(x as usize, y as usize));
        }
        if d > 0 {
            if x == prev_x {
                y -= 1;
                ops.push(Op::Insert(y as usize));
            } else {
                x -= 1;
                ops.push(Op::Delete(x as usize));
            }
        }
    }
    ops.reverse();
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `diff -u OLD NEW` of GNU diffutils 3.8, without its two header lines.
    const GNU_CASES: &[(&str, &str, &str)] = &[
        (
            "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\n",
            "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\nz\n",
            "@@ -1,7 +1,7 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n@@ -12,3 +12,4 @@\n l\n m\n n\n+z\n",
        ),
        ("x\ny\n", "", "@@ -1,2 +0,0 @@\n-x\n-y\n"),
        (
            "",
            "apiVersion: v1\nkind: Pod\n",
            "@@ -0,0 +1,2 @@\n+apiVersion: v1\n+kind: Pod\n",
        ),
        (
            "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\no\np\nq\nr\ns\nt\n",
            "a\nB\nc\nd\ne\nf\ng\nH\ni\nj\nk\nl\nm\nn\no\np\nq\nr\nS\nt\n",
            "@@ -1,11 +1,11 @@\n a\n-b\n+B\n c\n d\n e\n f\n g\n-h\n+H\n i\n j\n k\n\
             @@ -16,5 +16,5 @@\n p\n q\n r\n-s\n+S\n t\n",
        ),
        (
            "a\nb\nc",
            "a\nb\nc\n",
            "@@ -1,3 +1,3 @@\n a\n b\n-c\n\\ No newline at end of file\n+c\n",
        ),
        ("one\n", "two\n", "@@ -1 +1 @@\n-one\n+two\n"),
    ];

    #[test]
    fn hunks_match_gnu_diff_u_output() {
        for (old, new, want) in GNU_CASES {
            assert_eq!(hunks(old, new, 3), *want, "{old:?} -> {new:?}");
        }
    }

    #[test]
    fn an_ambiguous_alignment_is_as_short_as_gnus_though_it_may_differ() {
        // Myers' own example. GNU diff (divide and conquer on the middle snake, then its
        // boundary shifting) prints `-a -b  c -a  b +a  b  a +c`; the greedy forward search
        // takes the other shortest path, the one in Myers' paper. Both are 5 edits.
        let out = hunks("a\nb\nc\na\nb\nb\na\n", "c\nb\na\nb\na\nc\n", 3);
        assert_eq!(out, "@@ -1,7 +1,6 @@\n-a\n-b\n c\n+b\n a\n b\n-b\n a\n+c\n");
        let edits = out
            .lines()
            .skip(1)
            .filter(|l| l.starts_with(['-', '+']))
            .count();
        assert_eq!(edits, 5);
    }

    /// Length of a longest common subsequence, by the textbook table.
    fn lcs(a: &[&str], b: &[&str]) -> usize {
        let mut t = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for i in 0..a.len() {
            for j in 0..b.len() {
                t[i + 1][j + 1] = if a[i] == b[j] {
                    t[i][j] + 1
                } else {
                    t[i][j + 1].max(t[i + 1][j])
                };
            }
        }
        t[a.len()][b.len()]
    }

    #[test]
    fn edit_scripts_are_valid_and_shortest() {
        // Every pair of short sequences over a two-letter alphabet (and a seeded sample of
        // longer ones over three letters).
        let mut cases: Vec<(Vec<&str>, Vec<&str>)> = Vec::new();
        let words = |bits: u32, len: u32| -> Vec<&str> {
            (0..len)
                .map(|i| if bits >> i & 1 == 1 { "x\n" } else { "y\n" })
                .collect()
        };
        for la in 0..5 {
            for lb in 0..5 {
                for ba in 0..(1 << la) {
                    for bb in 0..(1 << lb) {
                        cases.push((words(ba, la), words(bb, lb)));
                    }
                }
            }
        }
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..300 {
            let mut side = || -> Vec<&str> {
                let len = next() % 12;
                (0..len)
                    .map(|_| ["p\n", "q\n", "r\n"][(next() % 3) as usize])
                    .collect()
            };
            let (a, b) = (side(), side());
            cases.push((a, b));
        }
        for (a, b) in cases {
            let ops = edit_script(&a, &b);
            let (mut x, mut y, mut edits) = (0, 0, 0);
            for op in &ops {
                match *op {
                    Op::Equal(i, j) => {
                        assert_eq!((i, j), (x, y));
                        assert_eq!(a[i], b[j]);
                        x += 1;
                        y += 1;
                    }
                    Op::Delete(i) => {
                        assert_eq!(i, x);
                        x += 1;
                        edits += 1;
                    }
                    Op::Insert(j) => {
                        assert_eq!(j, y);
                        y += 1;
                        edits += 1;
                    }
                }
            }
            assert_eq!((x, y), (a.len(), b.len()), "{a:?} {b:?}");
            assert_eq!(edits, a.len() + b.len() - 2 * lcs(&a, &b), "{a:?} {b:?}");
        }
    }

    #[test]
    fn too_many_edits_fall_back_to_replacing_the_middle() {
        let old: String = (0..MAX_EDIT_DISTANCE)
            .map(|i| format!("old {i}\n"))
            .collect();
        let new: String = (0..MAX_EDIT_DISTANCE)
            .map(|i| format!("new {i}\n"))
            .collect();
        let out = hunks(&format!("top\n{old}end\n"), &format!("top\n{new}end\n"), 3);
        let n = MAX_EDIT_DISTANCE + 2;
        assert!(out.starts_with(&format!("@@ -1,{n} +1,{n} @@\n top\n-old 0\n")));
        assert_eq!(
            out.lines().filter(|l| l.starts_with('-')).count(),
            MAX_EDIT_DISTANCE
        );
        assert!(out.ends_with(&format!("+new {}\n end\n", MAX_EDIT_DISTANCE - 1)));
    }

    #[test]
    fn equal_texts_have_no_hunks() {
        assert_eq!(hunks("a\nb\n", "a\nb\n", 3), "");
        assert_eq!(hunks("", "", 3), "");
    }
}

//! Cost of Vietnamese name order on a province-sized roster: 25,000 generated names keyed
//! (what an import or an export does), sorted by precomputed keys (what the dashboard does
//! with the stored `sort_key`), and sorted by `compare` (keys recomputed per comparison).
//!
//! Run: `cargo bench --bench names -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use lantoa::domain::names::{compare, sort_key};

/// Names on a province's roster.
const NAMES: usize = 25_000;

const FAMILY: [&str; 16] = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Lò", "Quàng", "Giàng",
    "Lường", "Sùng", "Cà", "Điêu",
];
const MIDDLE: [&str; 12] = [
    "Văn", "Thị", "Đức", "Ngọc", "Thu", "Minh", "A", "Quỳnh", "Hữu", "Thanh", "Xuân", "Mỹ",
];
const GIVEN: [&str; 24] = [
    "An", "Anh", "Ánh", "Bình", "Bính", "Chứ", "Dũng", "Đức", "Hà", "Hạ", "Hoà", "Hòa", "Hương",
    "Khánh", "Lan", "Mỷ", "Páo", "Pàng", "Thuỷ", "Tuấn", "Ước", "Yến", "Ậu", "Ợt",
];

/// A deterministic roster: a small linear congruential generator picks the parts.
fn roster() -> Vec<String> {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) as usize) % n
    };
    (0..NAMES)
        .map(|_| {
            let family = FAMILY[next(FAMILY.len())];
            let given = GIVEN[next(GIVEN.len())];
            match next(4) {
                0 => format!("{family} {given}"),
                1 => format!(
                    "{family} {} {} {given}",
                    MIDDLE[next(MIDDLE.len())],
                    MIDDLE[next(MIDDLE.len())]
                ),
                _ => format!("{family} {} {given}", MIDDLE[next(MIDDLE.len())]),
            }
        })
        .collect()
}

fn names(c: &mut Criterion) {
    let roster = roster();
    let mut group = c.benchmark_group("names");
    // A sort by `compare` takes seconds: ten samples are enough to see the order of magnitude.
    group.sample_size(10);
    group.throughput(Throughput::Elements(NAMES as u64));
    group.bench_function("sort_key 25k", |b| {
        b.iter(|| {
            for n in &roster {
                black_box(sort_key(black_box(n)));
            }
        })
    });
    group.bench_function("key then sort 25k", |b| {
        b.iter_batched(
            || roster.clone(),
            |names| {
                let mut keyed: Vec<(String, String)> =
                    names.into_iter().map(|n| (sort_key(&n), n)).collect();
                keyed.sort_unstable();
                keyed
            },
            BatchSize::LargeInput,
        )
    });
    let keyed: Vec<(String, String)> = roster.iter().map(|n| (sort_key(n), n.clone())).collect();
    group.bench_function("sort by stored key 25k", |b| {
        b.iter_batched(
            || keyed.clone(),
            |mut rows| {
                rows.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
                rows
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("sort by compare 25k", |b| {
        b.iter_batched(
            || roster.clone(),
            |mut names| {
                names.sort_by(|a, b| compare(a, b));
                names
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, names);
criterion_main!(benches);

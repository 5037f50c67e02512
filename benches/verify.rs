//! Throughput of source verification with a 1,000-rule allowlist (the seed
//! plus generated suffix, host, prefix and exclude rules) on a mixed set of
//! accepted and rejected addresses; also URL normalisation and post checks.
//!
//! `url_parse/mixed_20` times `url::Url::parse` alone on the same addresses in the same run,
//! and before the criterion groups the run prints `verify_source` throughput as a fraction of
//! it, measured back to back on one core (the goal is at least 0.7).
//!
//! Run: `cargo bench --bench verify -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lantoa::verify::{
    Allowlist, Category, Platform, Rule, RuleKind, check_post, normalize_source, parse_rules_csv,
    verify_source,
};

/// Number of rules in the benchmark allowlist.
const RULES: usize = 1_000;

fn allowlist() -> Allowlist {
    let mut rules = match parse_rules_csv(include_str!("../data/allowlist-seed.csv")) {
        Ok(rules) => rules,
        Err(errors) => panic!("seed allowlist must parse: {errors:?}"),
    };
    let mut i = 0usize;
    while rules.len() < RULES {
        let (kind, pattern, category) = match i % 8 {
            0..=2 => (RuleKind::Suffix, format!("bao{i}.vn"), Category::Press),
            3 => (
                RuleKind::Suffix,
                format!("xa{i}.dienbien.gov.vn"),
                Category::Government,
            ),
            4 => (
                RuleKind::Host,
                format!("www.trang{i}.com.vn"),
                Category::Organization,
            ),
            5 => (
                RuleKind::Prefix,
                format!("facebook.com/trang{i}"),
                Category::OfficialSocial,
            ),
            6 => (
                RuleKind::Prefix,
                format!("www.youtube.com/@kenh{i}"),
                Category::OfficialSocial,
            ),
            _ => {
                if i % 16 == 7 {
                    (
                        RuleKind::Exclude,
                        format!("rac{i}.gov.vn"),
                        Category::Government,
                    )
                } else {
                    (
                        RuleKind::Exclude,
                        format!("bao{}.vn/quang-cao", i - 7),
                        Category::Press,
                    )
                }
            }
        };
        match Rule::new(kind, &pattern, category, &format!("Nguồn {i}")) {
            Ok(rule) => rules.push(rule),
            Err(e) => panic!("generated rule {pattern} is valid: {e}"),
        }
        i += 1;
    }
    Allowlist::new(rules)
}

/// A realistic mix: about half accepted, the rest rejected for various reasons.
const SOURCES: [&str; 20] = [
    "https://baodienbienphu.vn/tin-tuc/chinh-tri/hoi-nghi-tinh-uy-lan-thu-10-12345.html",
    "https://www.dienbien.gov.vn/portal/Pages/2025-5-22/Chi-thi-2241.aspx?utm_source=facebook&utm_medium=social",
    "https://xaMuongPhang.dienbien.gov.vn/tin-tuc/a.html#binh-luan",
    "http://m.baochinhphu.vn/thu-tuong-chu-tri-hop-102250522.htm?fbclid=IwAR3xyz",
    "nhandan.vn/chinhtri/bai-viet-123",
    "https://www.facebook.com/trang405/posts/pfbid02abcDEF?mibextid=Nif5oz",
    "https://www.youtube.com/@kenh406/videos",
    "https://bao200.vn/thoi-su/1.html",
    "https://bộnộivụ.gov.vn/van-ban",
    "https://www.vietnamplus.vn/a-b-c-post123.vnp?zarsrc=30&gidzl=abc",
    // rejected
    "https://bao200.vn/quang-cao/1.html",
    "https://rac7.gov.vn/x",
    "https://fakegov.vn/tin-tuc",
    "https://gov.vn.example.com/phishing",
    "https://bit.ly/3abcDEF",
    "https://www.facebook.com/trang405fake/posts/1",
    "http://203.113.1.1/tin",
    "javascript:alert(1)",
    "https://dienbien.gov.vn:8443/a",
    "https://vnexpress.net/thoi-su/abc-4567.html",
];

const POSTS: [(Platform, &str); 8] = [
    (
        Platform::Facebook,
        "https://www.facebook.com/story.php?story_fbid=123&id=456&mibextid=abc",
    ),
    (
        Platform::Facebook,
        "https://www.facebook.com/share/p/1AbCdEf/",
    ),
    (
        Platform::Tiktok,
        "https://www.tiktok.com/@vtv24news/video/7300000000000000000?is_from_webapp=1",
    ),
    (Platform::Youtube, "https://youtu.be/dQw4w9WgXcQ?si=abc"),
    (Platform::Zalo, "https://zalo.me/s/1234567890/"),
    (
        Platform::X,
        "https://x.com/VTV24/status/1790000000000000000",
    ),
    (
        Platform::Instagram,
        "https://www.instagram.com/reel/Cabc12/",
    ),
    (
        Platform::Facebook,
        "https://l.facebook.com/l.php?u=https%3A%2F%2Fbaodienbienphu.vn",
    ),
];

/// Best of five rounds of `ROUNDS` passes over the addresses, verifying and parsing in turn so
/// both see the same machine: verify_source's throughput divided by Url::parse's.
fn ratio_to_url_parse(list: &Allowlist) -> f64 {
    const ROUNDS: u32 = 20_000;
    let time = |f: &dyn Fn(&str)| {
        (0..5)
            .map(|_| {
                let started = std::time::Instant::now();
                for _ in 0..ROUNDS {
                    for s in SOURCES {
                        f(black_box(s));
                    }
                }
                started.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    };
    let mut verify = f64::INFINITY;
    let mut parse = f64::INFINITY;
    for _ in 0..3 {
        verify = verify.min(time(&|s| {
            black_box(verify_source(list, s));
        }));
        parse = parse.min(time(&|s| {
            let _ = black_box(url::Url::parse(s));
        }));
    }
    parse / verify
}

fn bench(c: &mut Criterion) {
    let list = allowlist();
    assert_eq!(list.rules().len(), RULES);
    let accepted = SOURCES
        .iter()
        .filter(|s| verify_source(&list, s).is_accepted())
        .count();
    eprintln!(
        "allowlist: {} rules; mix: {accepted} accepted, {} rejected",
        list.rules().len(),
        SOURCES.len() - accepted
    );

    eprintln!(
        "verify_source ÷ Url::parse throughput, same {} addresses, one core: {:.2}",
        SOURCES.len(),
        ratio_to_url_parse(&list)
    );

    let mut group = c.benchmark_group("verify");
    group.throughput(Throughput::Elements(SOURCES.len() as u64));
    group.bench_function("verify_source/mixed_20", |b| {
        b.iter(|| {
            for s in SOURCES {
                black_box(verify_source(&list, black_box(s)));
            }
        })
    });
    group.bench_function("url_parse/mixed_20", |b| {
        b.iter(|| {
            for s in SOURCES {
                let _ = black_box(url::Url::parse(black_box(s)));
            }
        })
    });
    group.bench_function("normalize_source/mixed_20", |b| {
        b.iter(|| {
            for s in SOURCES {
                let _ = black_box(normalize_source(black_box(s)));
            }
        })
    });
    group.throughput(Throughput::Elements(POSTS.len() as u64));
    group.bench_function("check_post/mixed_8", |b| {
        b.iter(|| {
            for (p, s) in POSTS {
                let _ = black_box(check_post(p, black_box(s)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

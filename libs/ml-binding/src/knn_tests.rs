use super::*;

/// A table of 2-d rows: (embedding, model, quality).
type Table = &'static [([f32; 2], &'static str, f32)];

const AXES: Table = &[
    ([1.0, 0.0], "code", 1.0),
    ([0.0, 1.0], "chat", 1.0),
    ([0.9, 0.1], "code", 1.0),
    ([0.1, 0.9], "chat", 1.0),
];

fn selector(table: Table) -> Selector {
    let mut selector = Selector::new(2).expect("dimension 2 is valid");
    for (embedding, model, quality) in table {
        selector
            .add(embedding, model, *quality)
            .expect("table rows are valid");
    }
    selector
}

struct SelectCase {
    name: &'static str,
    table: Table,
    query: [f32; 2],
    k: usize,
    candidates: &'static [&'static str],
    want_model: &'static str,
    want_neighbours: usize,
}

#[test]
fn select_picks_the_model_with_the_best_weighted_vote() {
    let cases = [
        SelectCase {
            name: "the nearest row decides with k = 1",
            table: AXES,
            query: [0.8, 0.2],
            k: 1,
            candidates: &[],
            want_model: "code",
            want_neighbours: 1,
        },
        SelectCase {
            name: "two close rows outvote one closer row",
            table: &[
                ([1.0, 0.0], "small", 1.0),
                ([0.7, 0.7], "large", 1.0),
                ([0.6, 0.8], "large", 1.0),
            ],
            query: [0.9, 0.3],
            k: 3,
            candidates: &[],
            want_model: "large",
            want_neighbours: 3,
        },
        SelectCase {
            name: "quality weights outweigh similarity",
            table: &[([1.0, 0.0], "cheap", 0.1), ([0.7, 0.7], "good", 1.0)],
            query: [1.0, 0.1],
            k: 2,
            candidates: &[],
            want_model: "good",
            want_neighbours: 2,
        },
        SelectCase {
            name: "rows of models outside the candidates do not vote",
            table: AXES,
            query: [1.0, 0.0],
            k: 1,
            candidates: &["chat"],
            want_model: "chat",
            want_neighbours: 1,
        },
        SelectCase {
            name: "unknown candidates are skipped",
            table: AXES,
            query: [1.0, 0.0],
            k: 2,
            candidates: &["not-in-table", "chat"],
            want_model: "chat",
            want_neighbours: 2,
        },
        SelectCase {
            name: "neighbours are capped by the rows that can vote",
            table: AXES,
            query: [0.5, 0.5],
            k: 10,
            candidates: &["code"],
            want_model: "code",
            want_neighbours: 2,
        },
        SelectCase {
            name: "equally similar rows are taken in insertion order",
            table: &[([1.0, 0.0], "first", 1.0), ([2.0, 0.0], "second", 1.0)],
            query: [1.0, 0.0],
            k: 1,
            candidates: &["second", "first"],
            want_model: "first",
            want_neighbours: 1,
        },
        SelectCase {
            name: "equal scores go to the earlier candidate",
            table: &[([1.0, 0.0], "first", 1.0), ([1.0, 0.0], "second", 1.0)],
            query: [1.0, 0.0],
            k: 2,
            candidates: &["second", "first"],
            want_model: "second",
            want_neighbours: 2,
        },
        SelectCase {
            name: "equal scores without candidates go to the model added first",
            table: &[([1.0, 0.0], "first", 1.0), ([1.0, 0.0], "second", 1.0)],
            query: [1.0, 0.0],
            k: 2,
            candidates: &[],
            want_model: "first",
            want_neighbours: 2,
        },
        SelectCase {
            name: "a duplicated candidate keeps its first position",
            table: &[([1.0, 0.0], "a", 1.0), ([1.0, 0.0], "b", 1.0)],
            query: [1.0, 0.0],
            k: 2,
            candidates: &["b", "a", "b"],
            want_model: "b",
            want_neighbours: 2,
        },
    ];

    for case in cases {
        let got = selector(case.table)
            .select(&case.query, case.k, case.candidates)
            .unwrap_or_else(|error| panic!("{}: select failed: {error}", case.name));
        assert_eq!(got.model, case.want_model, "{}: model", case.name);
        assert_eq!(
            got.neighbours, case.want_neighbours,
            "{}: neighbours",
            case.name
        );
    }
}

#[test]
fn select_scores_the_sum_of_similarity_times_quality() {
    let table: Table = &[([1.0, 0.0], "m", 0.5), ([0.0, 1.0], "m", 2.0)];
    let got = selector(table)
        .select(&[1.0, 1.0], 2, &[])
        .expect("select succeeds");

    let similarity = std::f32::consts::FRAC_1_SQRT_2;
    let want = similarity * 0.5 + similarity * 2.0;
    assert!(
        (got.score - want).abs() < 1e-6,
        "score: got {}, want {want}",
        got.score
    );
}

struct ErrorCase {
    name: &'static str,
    run: fn(&mut Selector) -> Result<(), Error>,
    want: MlbResult,
}

#[test]
fn invalid_input_is_rejected_with_its_own_code() {
    let cases = [
        ErrorCase {
            name: "query of the wrong dimension",
            run: |s| s.select(&[1.0, 0.0, 0.0], 1, &[]).map(drop),
            want: MlbResult::DimensionMismatch,
        },
        ErrorCase {
            name: "embedding of the wrong dimension",
            run: |s| s.add(&[1.0], "m", 1.0),
            want: MlbResult::DimensionMismatch,
        },
        ErrorCase {
            name: "NaN in the query",
            run: |s| s.select(&[f32::NAN, 0.0], 1, &[]).map(drop),
            want: MlbResult::NonFiniteValue,
        },
        ErrorCase {
            name: "infinity in an embedding",
            run: |s| s.add(&[0.0, f32::INFINITY], "m", 1.0),
            want: MlbResult::NonFiniteValue,
        },
        ErrorCase {
            name: "all-zero query",
            run: |s| s.select(&[0.0, 0.0], 1, &[]).map(drop),
            want: MlbResult::ZeroVector,
        },
        ErrorCase {
            name: "k of zero",
            run: |s| s.select(&[1.0, 0.0], 0, &[]).map(drop),
            want: MlbResult::InvalidK,
        },
        ErrorCase {
            name: "negative quality",
            run: |s| s.add(&[1.0, 0.0], "m", -0.5),
            want: MlbResult::InvalidQuality,
        },
        ErrorCase {
            name: "NaN quality",
            run: |s| s.add(&[1.0, 0.0], "m", f32::NAN),
            want: MlbResult::InvalidQuality,
        },
        ErrorCase {
            name: "empty model name",
            run: |s| s.add(&[1.0, 0.0], "", 1.0),
            want: MlbResult::InvalidModelName,
        },
        ErrorCase {
            name: "model name with a NUL byte",
            run: |s| s.add(&[1.0, 0.0], "a\0b", 1.0),
            want: MlbResult::InvalidModelName,
        },
        ErrorCase {
            name: "empty candidate name",
            run: |s| s.select(&[1.0, 0.0], 1, &["code", ""]).map(drop),
            want: MlbResult::InvalidModelName,
        },
        ErrorCase {
            name: "no row belongs to a candidate",
            run: |s| s.select(&[1.0, 0.0], 1, &["absent"]).map(drop),
            want: MlbResult::NoMatch,
        },
    ];

    for case in cases {
        let mut selector = selector(AXES);
        let got = (case.run)(&mut selector).expect_err(case.name);
        assert_eq!(
            got.code, case.want,
            "{}: code (message: {})",
            case.name, got.message
        );
        assert_eq!(
            selector.len(),
            AXES.len(),
            "{}: the table is unchanged",
            case.name
        );
    }
}

#[test]
fn an_empty_table_has_no_match() {
    let got = Selector::new(2).unwrap().select(&[1.0, 0.0], 1, &[]);
    assert_eq!(got.map_err(|error| error.code), Err(MlbResult::NoMatch));
}

#[test]
fn a_zero_dimension_is_rejected() {
    let got = Selector::new(0).map(|selector| selector.dimension());
    assert_eq!(
        got.map_err(|error| error.code),
        Err(MlbResult::InvalidDimension)
    );
}

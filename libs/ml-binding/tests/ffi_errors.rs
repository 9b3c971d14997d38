//! FFI tests of the failure paths: result codes, null pointers, invalid UTF-8 and the
//! last error message.

mod common;

use std::ffi::{c_char, CStr};
use std::ptr;

use common::*;
use ml_binding::ffi::*;
use ml_binding::MlbResult;

struct SelectErrorCase {
    name: &'static str,
    query: &'static [f32],
    k: u32,
    candidates: &'static [&'static str],
    want: MlbResult,
    want_message: &'static str,
}

#[test]
fn select_reports_bad_input_with_a_code_and_a_message() {
    let cases = [
        SelectErrorCase {
            name: "no row matches the candidates",
            query: &[1.0, 0.0, 0.0],
            k: 1,
            candidates: &["absent", "missing"],
            want: MlbResult::NoMatch,
            want_message: "mlb_selector_select: selecting a model: no row of the table belongs to any of the candidates [\"absent\", \"missing\"]",
        },
        SelectErrorCase {
            name: "query dimension mismatch",
            query: &[1.0, 0.0],
            k: 1,
            candidates: &[],
            want: MlbResult::DimensionMismatch,
            want_message: "query has 2 values but the selector was created for 3",
        },
        SelectErrorCase {
            name: "NaN in the query",
            query: &[1.0, f32::NAN, 0.0],
            k: 1,
            candidates: &[],
            want: MlbResult::NonFiniteValue,
            want_message: "query[1] is NaN",
        },
        SelectErrorCase {
            name: "k is zero",
            query: &[1.0, 0.0, 0.0],
            k: 0,
            candidates: &[],
            want: MlbResult::InvalidK,
            want_message: "k is 0",
        },
    ];

    let handle = table();
    for case in cases {
        let (result, model) = handle.select(case.query, case.k, case.candidates);
        let message = last_message();
        assert_eq!(
            result, case.want,
            "{}: result (message: {message})",
            case.name
        );
        assert_eq!(
            model, None,
            "{}: the selection is zeroed on error",
            case.name
        );
        assert!(
            message.contains(case.want_message),
            "{}: got message {message:?}, want it to contain {:?}",
            case.name,
            case.want_message
        );
    }
}

#[test]
fn null_pointers_are_reported_not_dereferenced() {
    let handle = table();
    let query = [1.0f32, 0.0, 0.0];
    let mut selection = garbage_selection();
    let mut len = 0;

    // SAFETY: each call passes null where the library must check for it; all other
    // pointers are valid locals.
    let results = unsafe {
        [
            (
                "new without an out-param",
                mlb_selector_new(DIMENSION, ptr::null_mut()),
            ),
            (
                "len of a null selector",
                mlb_selector_len(ptr::null(), &mut len),
            ),
            (
                "len without an out-param",
                mlb_selector_len(handle.0, ptr::null_mut()),
            ),
            (
                "add to a null selector",
                mlb_selector_add(ptr::null_mut(), query.as_ptr(), 3, b"m".as_ptr(), 1, 1.0),
            ),
            (
                "add a null embedding",
                mlb_selector_add(handle.0, ptr::null(), 3, b"m".as_ptr(), 1, 1.0),
            ),
            (
                "add a null model",
                mlb_selector_add(handle.0, query.as_ptr(), 3, ptr::null(), 4, 1.0),
            ),
            (
                "select on a null selector",
                mlb_selector_select(
                    ptr::null(),
                    query.as_ptr(),
                    3,
                    1,
                    ptr::null(),
                    0,
                    &mut selection,
                ),
            ),
            (
                "select a null query",
                mlb_selector_select(handle.0, ptr::null(), 3, 1, ptr::null(), 0, &mut selection),
            ),
            (
                "select null candidates",
                mlb_selector_select(
                    handle.0,
                    query.as_ptr(),
                    3,
                    1,
                    ptr::null(),
                    2,
                    &mut selection,
                ),
            ),
            (
                "select without an out-param",
                mlb_selector_select(
                    handle.0,
                    query.as_ptr(),
                    3,
                    1,
                    ptr::null(),
                    0,
                    ptr::null_mut(),
                ),
            ),
        ]
    };

    for (name, result) in results {
        assert_eq!(result, MlbResult::NullArgument, "{name}");
    }
    assert_eq!(last_message(), "mlb_selector_select: selection_out is null");
}

#[test]
fn invalid_utf8_is_rejected_in_models_and_candidates() {
    let handle = table();
    let invalid = b"gpt\xff";
    let query = [1.0f32, 0.0, 0.0];
    let candidates = [mlb_str(b"code"), mlb_str(invalid)];
    let mut selection = garbage_selection();

    // SAFETY: all pointers are valid locals for the duration of each call.
    let (added, selected) = unsafe {
        (
            mlb_selector_add(
                handle.0,
                query.as_ptr(),
                3,
                invalid.as_ptr(),
                invalid.len(),
                1.0,
            ),
            mlb_selector_select(
                handle.0,
                query.as_ptr(),
                3,
                1,
                candidates.as_ptr(),
                2,
                &mut selection,
            ),
        )
    };

    assert_eq!(added, MlbResult::InvalidUtf8);
    assert_eq!(selected, MlbResult::InvalidUtf8);
    assert!(
        last_message().starts_with("mlb_selector_select: candidates[1] is not valid UTF-8"),
        "{}",
        last_message()
    );
}

#[test]
fn add_rejects_bad_rows_and_keeps_the_table() {
    let handle = table();
    let cases = [
        (
            "wrong dimension",
            handle.add(&[1.0, 0.0], "m"),
            MlbResult::DimensionMismatch,
        ),
        (
            "infinity",
            handle.add(&[f32::INFINITY, 0.0, 0.0], "m"),
            MlbResult::NonFiniteValue,
        ),
        (
            "all zeros",
            handle.add(&[0.0, 0.0, 0.0], "m"),
            MlbResult::ZeroVector,
        ),
        (
            "empty model",
            handle.add(&[1.0, 0.0, 0.0], ""),
            MlbResult::InvalidModelName,
        ),
    ];
    // SAFETY: live selector, valid buffers.
    let negative = unsafe {
        mlb_selector_add(
            handle.0,
            [1.0f32, 0.0, 0.0].as_ptr(),
            3,
            b"m".as_ptr(),
            1,
            -1.0,
        )
    };

    for (name, got, want) in cases {
        assert_eq!(got, want, "{name}");
    }
    assert_eq!(negative, MlbResult::InvalidQuality);
    let mut len = 0;
    // SAFETY: live selector and a valid out-param.
    unsafe { mlb_selector_len(handle.0, &mut len) };
    assert_eq!(len, 3, "rejected rows are not added");
}

#[test]
fn a_long_message_is_cut_to_the_buffer_at_a_character_boundary() {
    let handle = table();
    handle.select(&[1.0, 0.0, 0.0], 1, &["été"]);
    let accent = last_message()
        .find('é')
        .expect("the message quotes the candidate");
    // One byte short of the whole 'é' (two bytes) plus the NUL.
    let mut buffer = vec![0x7f as c_char; accent + 2];
    let mut written = usize::MAX;

    // SAFETY: the buffer and out-param are valid for the stated size.
    let result = unsafe { mlb_last_error_message(buffer.as_mut_ptr(), buffer.len(), &mut written) };

    assert_eq!(result, MlbResult::BufferTooSmall);
    assert_eq!(written, accent, "the cut drops the partial character");
    // SAFETY: the library NUL-terminated the buffer.
    let text = unsafe { CStr::from_ptr(buffer.as_ptr()) };
    assert_eq!(text.to_bytes().len(), written);
}

#[test]
fn a_zero_length_buffer_receives_nothing() {
    let handle = table();
    handle.select(&[1.0, 0.0, 0.0], 0, &[]);
    let mut written = usize::MAX;

    // SAFETY: a null buffer of length 0 is allowed; the out-param is a valid local.
    let result = unsafe { mlb_last_error_message(ptr::null_mut(), 0, &mut written) };

    assert_eq!((result, written), (MlbResult::BufferTooSmall, 0));
}

#[test]
fn messages_belong_to_the_thread_that_failed() {
    let handle = table();
    handle.select(&[1.0, 0.0, 0.0], 0, &[]);

    let other_thread = std::thread::spawn(last_message).join().unwrap();

    assert_eq!(other_thread, "");
    assert!(last_message().contains("k is 0"));
}

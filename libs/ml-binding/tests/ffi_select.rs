//! FFI tests of the successful paths: creating, filling, selecting and freeing.

mod common;

use std::ptr;

use common::*;
use ml_binding::ffi::*;
use ml_binding::MlbResult;

#[test]
fn select_returns_an_owned_model_name_and_the_vote() {
    let handle = table();
    let mut selection = garbage_selection();
    let candidates = [mlb_str(b"chat"), mlb_str(b"code")];
    let query = [0.9f32, 0.1, 0.0];

    // SAFETY: every pointer refers to a live local for the duration of the call.
    let result = unsafe {
        mlb_selector_select(
            handle.0,
            query.as_ptr(),
            query.len(),
            2,
            candidates.as_ptr(),
            2,
            &mut selection,
        )
    };

    assert_eq!(result, MlbResult::Ok, "{}", last_message());
    assert_eq!(selection.neighbours, 2);
    assert!(selection.score > 0.9, "score {}", selection.score);
    assert_eq!(take_model(&mut selection).as_deref(), Some("code"));
    assert_eq!(last_message(), "", "success leaves no message");
}

#[test]
fn no_candidates_means_every_model() {
    let (result, model) = table().select(&[0.0, 0.2, 0.9], 1, &[]);
    assert_eq!((result, model.as_deref()), (MlbResult::Ok, Some("math")));
}

#[test]
fn selector_len_counts_rows() {
    let handle = table();
    let mut len = 0;
    // SAFETY: live selector and a valid out-param.
    let result = unsafe { mlb_selector_len(handle.0, &mut len) };
    assert_eq!((result, len), (MlbResult::Ok, 3));
}

#[test]
fn a_zero_dimension_is_rejected_and_nothing_is_allocated() {
    let mut selector = ptr::null_mut();
    // SAFETY: the out-param is a valid local.
    let result = unsafe { mlb_selector_new(0, &mut selector) };
    assert_eq!(result, MlbResult::InvalidDimension);
    assert!(selector.is_null());
}

#[test]
fn free_functions_accept_null() {
    // SAFETY: null is documented as accepted by both free functions.
    unsafe {
        mlb_selector_free(ptr::null_mut());
        mlb_string_free(ptr::null_mut());
    }
}

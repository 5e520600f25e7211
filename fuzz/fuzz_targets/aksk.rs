//! The AK/SK signer's canonical request. The input is read by
//! `ims::fuzzing::SigningInput::from_bytes` (method, URL, keys, project id, token, time,
//! header lines, body). Checks: no panic; signing is deterministic; the `Authorization`
//! header, signed headers and canonical request are well formed; the canonical query is
//! stable; `sign_request` agrees with `sign` (`ims::fuzzing::check_signing`).

use ims::fuzzing::{self, SigningInput};

fn main() {
    afl::fuzz!(|data: &[u8]| {
        if let Some(input) = SigningInput::from_bytes(data) {
            fuzzing::check_signing(&input);
        }
    });
}

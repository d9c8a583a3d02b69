//! Off x86-64 System V there is no call engine: no signature has a plan, and every call goes
//! through libffi.

use super::arg::CValue;
use super::engine_path::Call;
use crate::error::Result;
use crate::ty::{CType, Signature};

/// The engine's plan of a call, which no signature has on this target.
#[derive(Debug)]
pub(crate) enum Plan {}

impl Plan {
    /// No plan on this target.
    pub(crate) fn of(_signature: &Signature, _extra: &[CType]) -> Option<Plan> {
        None
    }

    /// Never called: no plan exists.
    ///
    /// # Safety
    /// None needed: there is no value to call this on.
    pub(crate) unsafe fn call(&self, _call: &Call<'_, '_>) -> Result<(CValue, i32)> {
        match *self {}
    }
}

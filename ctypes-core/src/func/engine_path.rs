//! How a [`Function`] hands a call to the call engine: the arity check, the promoted types of
//! variadic arguments and the plans kept for them, and the result check.

use std::ffi::c_void;
use std::sync::{Arc, PoisonError};

use super::arg::Arg;
use super::marshal::{self, Held};
use super::{Core, Function, Plan};
use crate::encode::{CValue, Param};
use crate::error::{Error, Result};
use crate::mem::CData;
use crate::ty::CType;

/// One call to make: the function, its arguments, and what to do with the result.
pub(crate) struct Call<'c, 'a> {
    /// The function's name, for error messages.
    pub(crate) name: &'c str,
    pub(crate) code: *const c_void,
    /// Each argument's type (the promoted type of a variadic one), for error messages.
    pub(crate) types: &'c [CType],
    /// How each argument is passed.
    pub(crate) params: &'c [Param],
    pub(crate) args: &'c [Arg<'a>],
    /// The object of the (record) result type to write the result into, instead of a new one.
    pub(crate) into: Option<&'c CData>,
    /// `errno` to set right before the call.
    pub(crate) errno_before: Option<i32>,
    /// Whether to read `errno` right after the call (else 0 is returned for it).
    pub(crate) errno_after: bool,
}

/// A plan a variadic function keeps, with the promoted variadic argument types it was made for.
pub(super) type KeptPlan = (Box<[CType]>, Arc<Plan>);

/// How many plans a variadic function keeps for the variadic argument types of its latest
/// calls.
const VARIADIC_PLANS: usize = 8;

impl Function {
    /// [`Function::call`] through the engine, which planned this function (the path is not
    /// `Libffi`).
    ///
    /// # Safety
    /// As for [`Function::call`].
    pub(super) unsafe fn call_engine_plain(&self, args: &[Arg<'_>]) -> Result<CValue> {
        let core = &*self.core;
        match &core.plan {
            Some(plan) if self.errcheck.is_none() && args.len() == core.params.len() => {
                let call = Call {
                    name: &core.name,
                    code: core.code.as_ptr(),
                    types: core.signature.args(),
                    params: &core.params,
                    args,
                    into: None,
                    errno_before: None,
                    errno_after: false,
                };
                // SAFETY: forwarded to the caller; the plan is this signature's, and the
                // arguments are as many as its parameters.
                unsafe { plan.call(&call) }.map(|(returned, _)| returned)
            }
            // SAFETY: forwarded to the caller.
            _ => unsafe { self.call_engine(args, None, None, false) }.map(|(returned, _)| returned),
        }
    }

    /// [`Function::call_into`] through the engine, which planned this function (the path is
    /// not `Libffi`).
    ///
    /// # Safety
    /// As for [`Function::call`]; `into` is an object of the result type.
    pub(super) unsafe fn call_engine_into(&self, args: &[Arg<'_>], into: &CData) -> Result<()> {
        let core = &*self.core;
        match &core.plan {
            Some(plan) if self.errcheck.is_none() && args.len() == core.params.len() => {
                let call = Call {
                    name: &core.name,
                    code: core.code.as_ptr(),
                    types: core.signature.args(),
                    params: &core.params,
                    args,
                    into: Some(into),
                    errno_before: None,
                    errno_after: false,
                };
                // SAFETY: forwarded to the caller; the plan is this signature's, and the
                // arguments are as many as its parameters.
                unsafe { plan.call_into(&call) }
            }
            // SAFETY: forwarded to the caller.
            _ => unsafe { self.call_engine(args, None, Some(into), false) }.map(drop),
        }
    }

    /// Calls through the engine, which planned this function (the path is not `Libffi`).
    ///
    /// # Safety
    /// As for [`Function::call`]; `into`, if given, is an object of the result type.
    pub(super) unsafe fn call_engine(
        &self,
        args: &[Arg<'_>],
        errno_before: Option<i32>,
        into: Option<&CData>,
        errno_after: bool,
    ) -> Result<(CValue, i32)> {
        let core = &*self.core;
        let Some(plan) = &core.plan else {
            // SAFETY: forwarded to the caller.
            return unsafe { self.invoke(args, errno_before, into) };
        };
        core.check_arity(args)?;
        let fixed = core.params.len();
        let mut call = Call {
            name: &core.name,
            code: core.code.as_ptr(),
            types: core.signature.args(),
            params: &core.params,
            args,
            into,
            errno_before,
            errno_after: errno_after || self.errcheck.is_some(),
        };
        let (returned, errno) = if args.len() == fixed {
            // SAFETY: forwarded to the caller; the plan is this signature's.
            unsafe { plan.call(&call) }?
        } else {
            let mut types = core.signature.args().to_vec();
            let mut params = core.params.clone();
            for (index, arg) in args.iter().enumerate().skip(fixed) {
                let (ty, param) = match marshal::promoted(arg) {
                    Ok(promoted) => promoted,
                    Err(found) => {
                        // The fixed arguments are refused first, as on the libffi path.
                        core.check_fixed(&args[..fixed])?;
                        return Err(Error::Argument {
                            function: core.name.clone(),
                            index,
                            expected: "a variadic argument".to_owned(),
                            found,
                        });
                    }
                };
                types.push(ty);
                params.push(param);
            }
            let plan = core.variadic_plan(&types[fixed..])?;
            call.types = &types;
            call.params = &params;
            // SAFETY: forwarded to the caller; the plan is this signature's with these
            // promoted variadic types, which are the arguments'.
            unsafe { plan.call(&call) }?
        };
        let returned = if self.errcheck.is_some() {
            self.check(returned, errno, into)?
        } else {
            returned
        };
        Ok((returned, errno))
    }
}

impl Core {
    /// Refuses the first fixed argument that does not fit its parameter.
    fn check_fixed(&self, args: &[Arg<'_>]) -> Result<()> {
        let mut held = Held::new();
        for (index, (param, arg)) in self.params.iter().zip(args).enumerate() {
            held.encode(param, arg).map_err(|found| Error::Argument {
                function: self.name.clone(),
                index,
                expected: self.signature.args()[index].to_string(),
                found,
            })?;
        }
        Ok(())
    }

    /// The engine's plan for a call of this variadic function with variadic arguments of the
    /// promoted types `variadic`: kept from an earlier call with the same types, or made now
    /// and kept.
    fn variadic_plan(&self, variadic: &[CType]) -> Result<Arc<Plan>> {
        let mut kept = self
            .variadic_plans
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(at) = kept.iter().position(|(key, _)| **key == *variadic) {
            let entry = kept.remove(at);
            let plan = Arc::clone(&entry.1);
            kept.push(entry);
            return Ok(plan);
        }
        let plan = Plan::of(&self.signature, variadic).ok_or_else(|| Error::Signature {
            function: self.name.clone(),
            reason: "the call engine cannot place these variadic arguments".to_owned(),
        })?;
        let plan = Arc::new(plan);
        if kept.len() == VARIADIC_PLANS {
            kept.remove(0);
        }
        kept.push((variadic.into(), Arc::clone(&plan)));
        Ok(plan)
    }
}

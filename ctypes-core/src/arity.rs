//! The arities of function-pointer types the crate implements its traits for (0 to 8
//! arguments), in one list, so that every such impl covers the same ones.

/// Invokes `$m!(...)` once per arity, with the argument type parameters `A`, `B`, … named.
macro_rules! for_each_arity {
    ($m:ident) => {
        $m!();
        $m!(A);
        $m!(A, B);
        $m!(A, B, C);
        $m!(A, B, C, D);
        $m!(A, B, C, D, E);
        $m!(A, B, C, D, E, F);
        $m!(A, B, C, D, E, F, G);
        $m!(A, B, C, D, E, F, G, H);
    };
}

pub(crate) use for_each_arity;

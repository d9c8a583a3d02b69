//! The decimal text of a binary floating value, as C's `%.*Lg` writes it.
//!
//! The value `mantissa × 2^exp` is expanded exactly (a binary fraction has a finite decimal
//! expansion) and rounded once to the digits asked for, ties to even, as glibc does.

/// A nonnegative number as little-endian 32-bit limbs.
struct Big(Vec<u32>);

impl Big {
    fn new(mantissa: u128) -> Big {
        let mut limbs: Vec<u32> = (0..4).map(|i| (mantissa >> (32 * i)) as u32).collect();
        while limbs.last() == Some(&0) {
            limbs.pop();
        }
        Big(limbs)
    }

    fn mul_small(&mut self, by: u32) {
        let mut carry = 0u64;
        for limb in &mut self.0 {
            let product = u64::from(*limb) * u64::from(by) + carry;
            *limb = product as u32;
            carry = product >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
    }

    fn shl(&mut self, bits: u32) {
        let (limbs, bits) = ((bits / 32) as usize, bits % 32);
        if bits != 0 {
            self.mul_small(1 << bits);
        }
        self.0.splice(0..0, std::iter::repeat_n(0, limbs));
    }

    /// Divides by `by`, giving the remainder.
    fn div_small(&mut self, by: u32) -> u32 {
        let mut rest = 0u64;
        for limb in self.0.iter_mut().rev() {
            let current = (rest << 32) | u64::from(*limb);
            *limb = (current / u64::from(by)) as u32;
            rest = current % u64::from(by);
        }
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
        rest as u32
    }

    /// The decimal digits, most significant first (`[0]` for zero).
    fn digits(mut self) -> Vec<u8> {
        let mut chunks = Vec::new();
        while !self.0.is_empty() {
            chunks.push(self.div_small(1_000_000_000));
        }
        let mut digits = Vec::new();
        for (i, chunk) in chunks.iter().rev().enumerate() {
            let text = if i == 0 {
                chunk.to_string()
            } else {
                format!("{chunk:09}")
            };
            digits.extend(text.bytes().map(|b| b - b'0'));
        }
        if digits.is_empty() {
            digits.push(0);
        }
        digits
    }
}

/// `mantissa × 2^exp` (nonnegative) with `precision` significant digits in C's `%g` style:
/// fixed notation for decimal exponents from -4 to `precision - 1`, scientific otherwise,
/// trailing zeros (and a bare point) removed.
pub(super) fn general(mantissa: u128, exp: i32, precision: usize) -> String {
    if mantissa == 0 {
        return "0".to_owned();
    }
    // The exact value as `digits × 10^-scale`.
    let mut big = Big::new(mantissa);
    let scale = if exp >= 0 {
        big.shl(exp as u32);
        0
    } else {
        for _ in 0..-exp {
            big.mul_small(5);
        }
        -exp
    };
    let mut digits = big.digits();
    // The decimal exponent of the leading digit.
    let mut exp10 = digits.len() as i32 - 1 - scale;
    if digits.len() > precision {
        let (kept, rest) = digits.split_at(precision);
        let mut kept = kept.to_vec();
        let above_half = rest[0] > 5 || (rest[0] == 5 && rest[1..].iter().any(|&d| d != 0));
        let tie = rest[0] == 5 && rest[1..].iter().all(|&d| d == 0);
        if above_half || (tie && kept[precision - 1] % 2 == 1) {
            let mut i = precision;
            loop {
                if i == 0 {
                    // All nines: 99.9 became 100.
                    kept.insert(0, 1);
                    kept.pop();
                    exp10 += 1;
                    break;
                }
                i -= 1;
                if kept[i] == 9 {
                    kept[i] = 0;
                } else {
                    kept[i] += 1;
                    break;
                }
            }
        }
        digits = kept;
    }
    while digits.len() > 1 && digits.last() == Some(&0) {
        digits.pop();
    }
    let text: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
    if exp10 < -4 || exp10 >= precision as i32 {
        let (first, rest) = text.split_at(1);
        let point = if rest.is_empty() { "" } else { "." };
        let sign = if exp10 < 0 { '-' } else { '+' };
        format!("{first}{point}{rest}e{sign}{:02}", exp10.unsigned_abs())
    } else if exp10 < 0 {
        format!("0.{}{text}", "0".repeat((-exp10 - 1) as usize))
    } else {
        let whole = exp10 as usize + 1;
        if text.len() <= whole {
            format!("{text}{}", "0".repeat(whole - text.len()))
        } else {
            format!("{}.{}", &text[..whole], &text[whole..])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::general;

    #[test]
    fn writes_as_printf_g() {
        assert_eq!(general(1, 0, 21), "1");
        assert_eq!(general(3, -1, 21), "1.5");
        assert_eq!(general(1, 70, 21), "1.18059162071741130342e+21");
        assert_eq!(general(1, 69, 21), "590295810358705651712");
        assert_eq!(general(1, -14, 21), "6.103515625e-05");
        assert_eq!(general(1, -10, 21), "0.0009765625");
        assert_eq!(general(999, 0, 2), "1e+03");
        assert_eq!(general(25, -1, 2), "12");
        assert_eq!(general(35, -1, 2), "18");
    }
}

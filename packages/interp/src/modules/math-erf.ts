/**
 * `erf` and `erfc`: CPython 3.13 calls the C library's, and glibc's (up to
 * 2.40) are Sun's fdlibm rational approximations with the polynomials
 * evaluated in pairs (Shimizu's reordering for pipelined processors).
 * This evaluates the same approximations in the same order, so the
 * results agree with CPython on Linux to the bit wherever `Math.exp`
 * agrees with glibc's `exp`.
 *
 * The coefficients are fdlibm's:
 *   Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *   Developed at SunPro, a Sun Microsystems, Inc. business.
 *   Permission to use, copy, modify, and distribute this software is
 *   freely granted, provided that this notice is preserved.
 */

const TINY = 1e-300;
/** 0.84506291151 rounded to single precision. */
const ERX = 8.45062911510467529297e-1;
/** 2/√π − 1. */
const EFX = 1.28379167095512586316e-1;

// erf on [0, 0.84375]: x + x·P(x²)/Q(x²).
const PP = [1.28379167095512558561e-1, -3.25042107247001499370e-1, -2.84817495755985104766e-2, -5.77027029648944159157e-3, -2.37630166566501626084e-5];
const QQ = [1, 3.97917223959155352819e-1, 6.50222499887672944485e-2, 5.08130628187576562776e-3, 1.32494738004321644526e-4, -3.96022827877536812320e-6];
// erf on [0.84375, 1.25]: erx + P(s)/Q(s), s = |x| − 1.
const PA = [
  -2.36211856075265944077e-3, 4.14856118683748331666e-1, -3.72207876035701323847e-1, 3.18346619901161753674e-1, -1.10894694282396677476e-1, 3.54783043256182359371e-2,
  -2.16637559486879084300e-3,
];
const QA = [1, 1.06420880400844228286e-1, 5.40397917702171048937e-1, 7.18286544141962662868e-2, 1.26171219808761642112e-1, 1.36370839120290507362e-2, 1.19844998467991074170e-2];
// erfc on [1.25, 1/0.35]: exp(−x² − 0.5625 + R(1/x²)/S(1/x²)) / x.
const RA = [
  -9.86494403484714822705e-3, -6.93858572707181764372e-1, -1.05586262253232909814e1, -6.23753324503260060396e1, -1.62396669462573470355e2, -1.84605092906711035994e2,
  -8.12874355063065934246e1, -9.81432934416914548592,
];
const SA = [
  1, 1.96512716674392571292e1, 1.37657754143519042600e2, 4.34565877475229228821e2, 6.45387271733267880336e2, 4.29008140027567833386e2, 1.08635005541779435134e2,
  6.57024977031928170135, -6.04244152148580987438e-2,
];
// erfc on [1/0.35, 28].
const RB = [
  -9.86494292470009928597e-3, -7.99283237680523006574e-1, -1.77579549177547519889e1, -1.60636384855821916062e2, -6.37566443368389627722e2, -1.02509513161107724954e3,
  -4.83519191608651397019e2,
];
const SB = [
  1, 3.03380607434824582924e1, 3.25792512996573918826e2, 1.53672958608443695994e3, 3.19985821950859553908e3, 2.55305040643316442583e3, 4.74528541206955367215e2,
  -2.24409524465858183362e1,
];

const view = new DataView(new ArrayBuffer(8));

/** The high 32 bits of x (sign, exponent, top of the mantissa). */
function highWord(x: number): number {
  view.setFloat64(0, x);
  return view.getInt32(0);
}

/** x with its low 32 bits cleared (so that z·z is exact). */
function clearLowWord(x: number): number {
  view.setFloat64(0, x);
  view.setUint32(4, 0);
  return view.getFloat64(0);
}

/** P(x²)/Q(x²) on [0, 0.84375], summed in pairs as glibc does. */
function smallRatio(z: number): number {
  const z2 = z * z;
  const z4 = z2 * z2;
  const r = PP[0]! + z * PP[1]! + z2 * (PP[2]! + z * PP[3]!) + z4 * PP[4]!;
  const s = QQ[0]! + z * QQ[1]! + z2 * (QQ[2]! + z * QQ[3]!) + z4 * (QQ[4]! + z * QQ[5]!);
  return r / s;
}

/** P(s)/Q(s) on [0.84375, 1.25]. */
function middleRatio(s: number): number {
  const s2 = s * s;
  const s4 = s2 * s2;
  const s6 = s4 * s2;
  const p = PA[0]! + s * PA[1]! + s2 * (PA[2]! + s * PA[3]!) + s4 * (PA[4]! + s * PA[5]!) + s6 * PA[6]!;
  const q = QA[0]! + s * QA[1]! + s2 * (QA[2]! + s * QA[3]!) + s4 * (QA[4]! + s * QA[5]!) + s6 * QA[6]!;
  return p / q;
}

/** exp(−x² − 0.5625 + R/S)/x·x for x ≥ 1.25: the tail shared by erf and erfc (`near`: x < 1/0.35). */
function tail(x: number, near: boolean): number {
  const s = 1 / (x * x);
  const s2 = s * s;
  const s4 = s2 * s2;
  const s6 = s4 * s2;
  let r: number;
  let q: number;
  if (near) {
    const s8 = s4 * s4;
    r = RA[0]! + s * RA[1]! + s2 * (RA[2]! + s * RA[3]!) + s4 * (RA[4]! + s * RA[5]!) + s6 * (RA[6]! + s * RA[7]!);
    q = SA[0]! + s * SA[1]! + s2 * (SA[2]! + s * SA[3]!) + s4 * (SA[4]! + s * SA[5]!) + s6 * (SA[6]! + s * SA[7]!) + s8 * SA[8]!;
  } else {
    r = RB[0]! + s * RB[1]! + s2 * (RB[2]! + s * RB[3]!) + s4 * (RB[4]! + s * RB[5]!) + s6 * RB[6]!;
    q = SB[0]! + s * SB[1]! + s2 * (SB[2]! + s * SB[3]!) + s4 * (SB[4]! + s * SB[5]!) + s6 * (SB[6]! + s * SB[7]!);
  }
  // exp(−x²) as exp(−z²)·exp((z−x)(z+x)) with z·z exact.
  const z = clearLowWord(x);
  return Math.exp(-z * z - 0.5625) * Math.exp((z - x) * (z + x) + r / q);
}

/** The error function. */
export function erf(x: number): number {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix >= 0x7ff00000) return Number.isNaN(x) ? x : x > 0 ? 1 : -1;
  if (ix < 0x3feb0000) {
    if (ix < 0x3e300000) {
      // |x| < 2^-28 (scaled up first below 2^-1022, so as not to underflow).
      if (ix < 0x00800000) return 0.0625 * (16 * x + 16 * EFX * x);
      return x + EFX * x;
    }
    return x + x * smallRatio(x * x);
  }
  if (ix < 0x3ff40000) {
    const ratio = middleRatio(Math.abs(x) - 1);
    return hx >= 0 ? ERX + ratio : -ERX - ratio;
  }
  if (ix >= 0x40180000) return hx >= 0 ? 1 - TINY : TINY - 1;
  const ax = Math.abs(x);
  const r = tail(ax, ix < 0x4006db6e);
  return hx >= 0 ? 1 - r / ax : r / ax - 1;
}

/** The complementary error function 1 − erf(x). */
export function erfc(x: number): number {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix >= 0x7ff00000) return Number.isNaN(x) ? x : x > 0 ? 0 : 2;
  if (ix < 0x3feb0000) {
    if (ix < 0x3c700000) return 1 - x;
    const y = smallRatio(x * x);
    if (hx < 0x3fd00000) return 1 - (x + x * y);
    let r = x * y;
    r += x - 0.5;
    return 0.5 - r;
  }
  if (ix < 0x3ff40000) {
    const ratio = middleRatio(Math.abs(x) - 1);
    if (hx >= 0) return 1 - ERX - ratio;
    return 1 + (ERX + ratio);
  }
  if (ix < 0x403c0000) {
    if (hx < 0 && ix >= 0x40180000) return 2 - TINY;
    const ax = Math.abs(x);
    const r = tail(ax, ix < 0x4006db6d);
    return hx > 0 ? r / ax : 2 - r / ax;
  }
  return hx > 0 ? TINY * TINY : 2 - TINY;
}

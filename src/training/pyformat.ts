// Python's number formatting, as Keras uses it in progress bars and checkpoint file names
// ("{epoch:02d}-{val_loss:.2f}"): correctly rounded, ties to even, two-digit exponents.

/** True when `x` lies exactly halfway between two multiples of 10^-digits (a rounding tie). */
function isTie(x: number, digits: number): boolean {
  const exact = Math.abs(x).toFixed(Math.min(100, digits + 40));
  const frac = exact.slice(exact.indexOf(".") + 1 + digits);
  return /^50*$/.test(frac);
}

/** `x` with `digits` decimals, as Python's f"{x:.{digits}f}" (ties to even, unlike toFixed). */
export function toFixedPy(x: number, digits: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
  let s = x.toFixed(digits);
  if (isTie(x, digits)) {
    // toFixed rounded the tie away from zero; step back when that made the last digit odd.
    const last = Number(s[s.length - 1]);
    if (last % 2 === 1) {
      const step = Math.pow(10, -digits);
      s = (x > 0 ? Math.abs(x) - step / 2 : -(Math.abs(x) - step / 2)).toFixed(digits);
    }
  }
  return s;
}

/** `x` as Python's f"{x:.{digits}e}": "1.2346e-04". */
export function toExponentialPy(x: number, digits: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
  const [m, e] = x.toExponential(digits).split("e");
  const n = Number(e);
  return `${m}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
}

/** A float as Python's repr / str writes it: shortest round-trip digits, "1e-05", "3.0", "1e+16". */
export function pyRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mant, expS] = x.toExponential().split("e");
  const exp = Number(expS);
  const neg = mant.startsWith("-");
  const digits = mant.replace(/^-/, "").replace(".", "");
  let body: string;
  if (exp < -4 || exp >= 16) {
    body = `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ""}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  } else if (exp < 0) body = `0.${"0".repeat(-exp - 1)}${digits}`;
  else if (digits.length <= exp + 1) body = `${digits}${"0".repeat(exp + 1 - digits.length)}.0`;
  else body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  return neg ? `-${body}` : body;
}

/** `x` as Python's general format f"{x:.{p}g}" (also used for str(float) when p is omitted). */
function toGeneralPy(x: number, precision: number | null): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
  if (precision === null) return pyRepr(x);
  const p = precision === 0 ? 1 : precision;
  if (x === 0) return "0";
  const exp = Number(x.toExponential(p - 1).split("e")[1]);
  if (exp < -4 || exp >= p) return toExponentialPy(x, p - 1).replace(/\.?0+e/, "e");
  return toFixedPy(x, p - 1 - exp).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
}

/**
 * Formats `value` by a Python format spec ("02d", ".2f", ".4e", ">8", "") as str.format does.
 * Supported: [[fill]align][sign][0][width][,][.precision][type] with types d, f, e, g, % and s.
 */
export function formatPy(value: number | string, spec: string): string {
  const m = /^(?:(.)?([<>^=]))?([+\- ])?(0)?(\d+)?(,)?(?:\.(\d+))?([dfeEgGs%])?$/.exec(spec);
  if (!m) throw new Error(`invalid format spec "${spec}"`);
  const [, fillIn, alignIn, sign = "-", zero, widthS, comma, precS, type] = m;
  const precision = precS === undefined ? null : Number(precS);
  let body: string;
  if (typeof value === "string") {
    if (type && type !== "s") throw new Error(`format spec "${spec}" needs a number, got the string "${value}"`);
    body = precision === null ? value : value.slice(0, precision);
  } else {
    const x = value;
    switch (type) {
      case "d":
        if (!Number.isInteger(x)) throw new Error(`format spec "${spec}" ("d") needs an integer, got ${x}`);
        body = String(Math.abs(x));
        break;
      case "f":
        body = toFixedPy(Math.abs(x), precision ?? 6);
        break;
      case "e":
      case "E":
        body = toExponentialPy(Math.abs(x), precision ?? 6);
        if (type === "E") body = body.toUpperCase();
        break;
      case "%":
        body = `${toFixedPy(Math.abs(x) * 100, precision ?? 6)}%`;
        break;
      case "g":
      case "G":
        body = toGeneralPy(Math.abs(x), precision ?? 6);
        break;
      default:
        body = Number.isInteger(x) && precision === null ? String(Math.abs(x)) : toGeneralPy(Math.abs(x), precision);
    }
    if (comma) body = body.replace(/^(\d+)/, (d) => d.replace(/\B(?=(\d{3})+(?!\d))/g, ","));
    const neg = x < 0 || Object.is(x, -0);
    body = (neg ? "-" : sign === "+" ? "+" : sign === " " ? " " : "") + body;
  }
  const width = widthS === undefined ? 0 : Number(widthS);
  if (body.length >= width) return body;
  const numeric = typeof value === "number";
  const fill = fillIn ?? (zero && !alignIn ? "0" : " ");
  const align = alignIn ?? (zero ? "=" : numeric ? ">" : "<");
  const pad = fill.repeat(width - body.length);
  if (align === "<") return body + pad;
  if (align === "^") return fill.repeat(Math.floor((width - body.length) / 2)) + body + fill.repeat(Math.ceil((width - body.length) / 2));
  if (align === "=" && /^[+\- ]/.test(body)) return body[0] + pad + body.slice(1);
  return pad + body;
}

/**
 * Fills "{name}" / "{name:spec}" fields of a Python format string from `values` ("{{" and "}}" are braces);
 * an unknown name is an error that lists the known ones.
 */
export function formatTemplate(template: string, values: Record<string, number | string>): string {
  return template.replace(/\{\{|\}\}|\{([^{}:]+)(?::([^{}]*))?\}/g, (whole, name: string | undefined, spec: string | undefined) => {
    if (whole === "{{") return "{";
    if (whole === "}}") return "}";
    if (!(name! in values)) throw new Error(`no value for "{${name}}"; available: ${Object.keys(values).join(", ")}`);
    return formatPy(values[name!], spec ?? "");
  });
}

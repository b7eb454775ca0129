// Optimizer slot variables that recycle their storage between fused updates. Tensors are immutable and
// may be shared, so a kernel normally writes fresh arrays (whose first touch, page faults included, costs
// more than the update itself on large variables). A slot knows when nobody else can hold its tensor:
// every outside access goes through `value` (or `assign`), so a tensor installed by `replace` and never
// read since is private, and its array may be overwritten by the next update instead of allocated anew.
import { Variable } from "../autograd/variable.js";
import type { TypedArray } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import type { TensorLike } from "../tensor/create.js";

export class SlotVariable extends Variable {
  /** Turns recycling off everywhere (for before/after measurements: bench/profile/optim-ab.ts). */
  static recycle = true;
  /** Whether the current tensor may be held elsewhere (read through `value`, or assigned from outside). */
  private shared = true;
  /** The array of the previous private tensor: nobody holds it, the next update may write it. */
  private spare: TypedArray | null = null;

  override get value(): Tensor {
    this.shared = true;
    return super.value;
  }

  override assign(v: TensorLike): this {
    super.assign(v);
    this.shared = true;
    this.spare = null;
    return this;
  }

  /** The current tensor, for the optimizer's own fused update (not handed out: it stays private). */
  peek(): Tensor {
    return super.value;
  }

  /** The recyclable array (at most once), or undefined when there is none. */
  takeSpare(): TypedArray | undefined {
    const s = this.spare;
    this.spare = null;
    return (SlotVariable.recycle && s) || undefined;
  }

  /** Installs a fused kernel's output; the replaced tensor's array becomes the spare if it was private. */
  replace(t: Tensor): void {
    const old = super.value;
    const wasShared = this.shared;
    super.assign(t);
    this.shared = false;
    this.spare = wasShared || old.values === t.values ? null : old.values;
  }
}

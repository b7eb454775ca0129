// A first look: fit y = 3x + 2 with a Variable, a GradientTape and plain gradient descent.
import { GradientTape, Variable, add, mean, mul, randomNormal, sub } from "../src/index.js";

const x = randomNormal([256, 1], { seed: 1 });
const y = add(mul(x, 3), 2);
const w = new Variable(0, { name: "w" });
const b = new Variable(0, { name: "b" });
for (let step = 0; step <= 100; step++) {
  const tape = new GradientTape();
  const loss = tape.run(() => {
    const e = sub(add(mul(x, w), b), y);
    return mean(mul(e, e));
  });
  const [dw, db] = tape.gradient(loss, [w, b]);
  w.assignSub(mul(dw, 0.1));
  b.assignSub(mul(db, 0.1));
  if (step % 25 === 0) console.log(`step ${step}: loss ${loss.item().toFixed(6)}  w ${w.value.item().toFixed(4)}  b ${b.value.item().toFixed(4)}`);
}

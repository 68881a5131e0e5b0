"""An adversarial campaign on the module's argument handling: every array-taking function gets a
catalogue of malformed, exotic and hostile inputs. Each either works (and then gives the result of
the same values as a plain float64 array) or raises TypeError/ValueError — never another
exception, never a crash of the interpreter."""
import numpy as np
import pytest

import marginlab as ml

X0 = ml.data.load("wei-d:d=4,n=12,seed=3").X
Y0 = ml.data.load("wei-d:d=4,n=12,seed=3").y


def odd_arrays():
    """(name, value, equivalent float64 array or None when it must be refused)."""
    out = []
    buf = np.zeros(X0.size * 8 + 1, dtype=np.uint8)
    misaligned = np.frombuffer(buf.data, dtype=np.float64, count=X0.size, offset=1).reshape(X0.shape)
    misaligned[...] = X0
    out.append(("misaligned float64 view", misaligned, X0))
    ro = X0.copy()
    ro.flags.writeable = False
    out.append(("read-only", ro, X0))
    out.append(("negative strides", X0[::-1][::-1], X0))
    out.append(("reversed rows", X0[::-1], X0[::-1].copy()))
    out.append(("column slice view", np.hstack([X0, X0])[:, ::2], np.hstack([X0, X0])[:, ::2].copy()))
    out.append(("float32", X0.astype(np.float32), X0.astype(np.float32).astype(float)))
    out.append(("bool", X0 > 0, (X0 > 0).astype(float)))
    out.append(("uint8", (X0 > 0).astype(np.uint8), (X0 > 0).astype(float)))
    out.append(("nested list", X0.tolist(), X0))
    out.append(("memoryview", memoryview(np.ascontiguousarray(X0)), X0))
    out.append(("big-endian", X0.astype(">f8"), X0))
    out.append(("0-d", np.float64(1.0), None))
    out.append(("1-d", X0[:, 0], None))
    out.append(("3-d", X0[None], None))
    out.append(("empty", np.zeros((0, 4)), None))
    out.append(("no columns", np.zeros((12, 0)), None))
    out.append(("complex", X0 + 0j, None))
    out.append(("strings", X0.astype(str), None))
    out.append(("objects", X0.astype(object), None))
    out.append(("ragged list", [[1.0, 2.0], [3.0]], None))
    out.append(("None", None, None))
    out.append(("a dict", {"X": X0}, None))
    out.append(("inf", np.where(X0 > 0, np.inf, X0), None))
    out.append(("nan", np.where(X0 > 0, np.nan, X0), None))
    out.append(("huge ints", np.full(X0.shape, 2 ** 62, dtype=np.int64), np.full(X0.shape, 2.0 ** 62)))
    return out


CALLS = {
    "gram": lambda X: ml.kernel.gram(X),
    "cross_gram": lambda X: ml.kernel.gram(X0, X),
    "train": lambda X: ml.nn.train(X, Y0, width=4, steps=3)[0]["final"][0],
    "outputs": lambda X: ml.nn.outputs([np.ones((3, 4)), np.ones((1, 3))], X),
    "normalized_margin": lambda X: ml.margin.normalized_margin([np.ones((3, 4)), np.ones((1, 3))], X, Y0),
    "empirical_ntk": lambda X: ml.kernel.empirical_ntk([np.ones((3, 4)), np.ones((1, 3))], X),
    "ridge_solve": lambda K: ml.kernel.ridge_solve(K, Y0[:4], 0.5),  # a 12 x 4 K is never square
    "save_network": lambda W: ml.nn.save_network("/dev/null/never", [W]),  # never written
}
# Inputs a function takes by design (gram's Y = None is "X with itself").
MEANS_SOMETHING = {("cross_gram", "None")}


@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("case", odd_arrays(), ids=lambda c: c[0])
def test_odd_inputs_work_or_raise_type_or_value_error(call, case):
    name, value, same = case
    fn = CALLS[call]
    if (call, name) in MEANS_SOMETHING:
        return
    if same is None or call in ("ridge_solve", "save_network"):  # must be refused, with a named reason
        with pytest.raises((TypeError, ValueError)) as e:
            fn(value)
        assert ":" in str(e.value), str(e.value)  # "<argument>: what was expected" (or the library's context)
        return
    got = fn(value)  # must be accepted, and mean the same as its values as a float64 array
    assert np.array_equal(np.asarray(got), np.asarray(fn(np.asarray(same, dtype=float)))), f"{call}({name})"


def test_a_hostile_sequence_in_a_network_is_refused():
    for weights, kind in (("W1", TypeError), ([], ValueError), ([np.ones((2, 4)), "x"], TypeError),
                          ([np.ones((2, 4)), np.ones((2, 2, 2))], ValueError), (np.ones((2, 4)), ValueError)):
        with pytest.raises(kind):
            ml.nn.outputs(weights, X0)

"""Cases and known mistakes for notebook 09: update_parameters_with_adamw, warmup_cosine_lr,
clip_by_global_norm, update_parameters_with_lion.

The optimizer cases give weight_decay and learning_rate large enough that a decay applied to b, or not
multiplied by α, moves the result far beyond check()'s tolerance.
"""

import math

import numpy as np

from solutions.adam import update_parameters_with_adam
from solutions.cases import LAYER_SHAPES, cases_for, like_grads, mistake, random_parameters
from solutions.cases.lr_decay import SCALAR_ONLY

# --- update_parameters_with_adamw ---------------------------------------------------------------


@cases_for("update_parameters_with_adamw", returns=("parameters", "v", "s", "v_corrected", "s_corrected"))
def adamw_cases(rng):
    """Non-zero moments, several shapes and steps t, the defaults and given settings."""
    settings = [
        (LAYER_SHAPES[0], 1, {}),
        (LAYER_SHAPES[1], 2, {"learning_rate": 0.02, "weight_decay": 0.1}),
        (LAYER_SHAPES[2], 7, {"learning_rate": 0.01, "beta1": 0.8, "beta2": 0.99, "weight_decay": 0.5}),
        (LAYER_SHAPES[1], int(rng.integers(10, 100)), {"learning_rate": 0.05, "weight_decay": 0.01}),
        (LAYER_SHAPES[0], 3, {"learning_rate": 0.1, "epsilon": 0.1, "weight_decay": 1.0}),
    ]
    cases = []
    for dims, t, kwargs in settings:
        parameters = random_parameters(rng, dims)
        grads, v = like_grads(rng, parameters), like_grads(rng, parameters)
        s = like_grads(rng, parameters, positive=True)
        cases.append(((parameters, grads, v, s, t), kwargs))
    return cases


def _adamw(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, weight_decay, decayed=("W",),
           decay_rate=None, l2=False):
    """AdamW with one knob turned: the decay on the parameters named in ``decayed``, at ``decay_rate``
    (default α·λ) per step, or (``l2``) added to the weights' gradients as λW before the moments."""
    if l2:
        grads = {"d" + key: grads["d" + key] + (weight_decay * value if key.startswith("W") else 0.0)
                 for key, value in parameters.items()}
    stepped, *states = update_parameters_with_adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon)
    if l2:
        return (stepped, *states)
    rate = learning_rate * weight_decay if decay_rate is None else decay_rate(learning_rate, weight_decay)
    return ({key: value - rate * parameters[key] if key.startswith(decayed) else value
             for key, value in stepped.items()}, *states)


def register_adamw_mistake(mistake_id, sentence, **knobs):
    """Register ``_adamw(..., **knobs)`` as the mistake ``mistake_id`` of update_parameters_with_adamw."""

    def wrong(parameters, grads, v, s, t, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
              weight_decay=0.01):
        return _adamw(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, weight_decay, **knobs)

    mistake("update_parameters_with_adamw", mistake_id, sentence)(wrong)


register_adamw_mistake(
    "l2_in_gradient",
    "added λ·W to the gradient before the moments: that is Adam with L2 regularization, where the decay goes "
    "through √ŝ and a weight with large gradients is barely decayed. AdamW keeps the decay out of the moments: "
    "v and s see dW alone, then W = W − α·(v̂ / (√ŝ + ε) + λ·W).",
    l2=True)
register_adamw_mistake(
    "decay_on_b",
    "decayed the biases too; weight decay applies to the weights W only: b = b − α·v̂ / (√ŝ + ε), without λ·b "
    "(as torch.optim.AdamW with the biases in a group of their own at weight_decay=0).",
    decayed=("W", "b"))
register_adamw_mistake(
    "decay_not_times_alpha",
    "subtracted λ·W without multiplying it by the learning rate; the decay is part of the step: "
    "W = W − α·(v̂ / (√ŝ + ε) + λ·W), i.e. W shrinks by α·λ·W each step.",
    decay_rate=lambda learning_rate, weight_decay: weight_decay)
register_adamw_mistake(
    "no_decay",
    "returned Adam's step without the weight decay; subtract α·λ·W from each weight as well: "
    "W = W − α·(v̂ / (√ŝ + ε) + λ·W).",
    decay_rate=lambda learning_rate, weight_decay: 0.0)


@mistake("update_parameters_with_adamw", "mutates_input")
def _adamw_in_place(parameters, grads, v, s, t, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                    weight_decay=0.01):
    result = _adamw(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, weight_decay)
    parameters.update(result[0])
    return (parameters, *result[1:])


# --- warmup_cosine_lr ---------------------------------------------------------------------------


@cases_for("warmup_cosine_lr", returns=("the learning rate",))
def warmup_cosine_cases(rng):
    """Single steps in the warm-up, at its end, inside the cosine, at and after the end; whole arrays of steps."""
    rate = float(rng.uniform(0.01, 0.5))
    return [
        ((0.1, 5, 10, 110), {}),  # half-way up the warm-up
        ((0.1, 10, 10, 110), {}),  # the peak
        ((0.1, 60, 10, 110), {}),  # half-way down the cosine: α₀/2
        ((0.1, 35, 10, 110), {"min_lr": 0.01}),
        ((0.1, 110, 10, 110), {"min_lr": 0.01}),  # the end: min_lr
        ((0.1, 150, 10, 110), {"min_lr": 0.01}),  # after the end: min_lr
        ((rate, np.arange(0, 120), 20, 100), {}),
        ((rate, np.arange(0, 300, 7), int(rng.integers(5, 50)), 250), {"min_lr": rate / 10}),
        ((0.3, int(rng.integers(1, 4)), 4, 30), {}),
    ]


def _warmup_cosine(learning_rate0, step, warmup_steps, total_steps, min_lr=0.0, half=0.5, warmup_in_cosine=False,
                   warmup_start=0, hold=True):
    """The schedule with one knob turned."""
    step = np.asarray(step, dtype=float)
    warming = learning_rate0 * (step + warmup_start) / warmup_steps
    start = 0 if warmup_in_cosine else warmup_steps
    progress = (step - start) / (total_steps - start)
    progress = np.clip(progress, 0.0, 1.0) if hold else progress
    cosine = min_lr + (learning_rate0 - min_lr) * half * (1 + np.cos(np.pi * progress))
    return np.where(step < warmup_steps, warming, cosine)[()]


def register_schedule_mistake(mistake_id, sentence, **knobs):
    """Register ``_warmup_cosine(..., **knobs)`` as the mistake ``mistake_id`` of warmup_cosine_lr."""

    def wrong(learning_rate0, step, warmup_steps, total_steps, min_lr=0.0):
        return _warmup_cosine(learning_rate0, step, warmup_steps, total_steps, min_lr, **knobs)

    mistake("warmup_cosine_lr", mistake_id, sentence)(wrong)


register_schedule_mistake(
    "cosine_without_half",
    "left out the ½ of the cosine, so the rate starts the decay at 2α₀ − min_lr; ½(1 + cos πp) goes from 1 "
    "to 0: α = min_lr + (α₀ − min_lr)·½·(1 + cos πp).",
    half=1.0)
register_schedule_mistake(
    "warmup_inside_cosine",
    "counted the warm-up inside the cosine, p = step / total_steps; the cosine starts where the warm-up ends: "
    "p = (step − warmup_steps) / (total_steps − warmup_steps), so the peak α₀ is reached at step = warmup_steps.",
    warmup_in_cosine=True)
register_schedule_mistake(
    "warmup_from_one",
    "used step + 1 in the warm-up; it starts from 0 at step 0: α = α₀·step / warmup_steps.",
    warmup_start=1)
register_schedule_mistake(
    "no_hold_after_total",
    "let the cosine go on after total_steps, so the rate rises again; hold p at 1 there (np.minimum or "
    "np.clip): after total_steps the rate stays at min_lr.",
    hold=False)


@mistake("warmup_cosine_lr", "min_lr_added",
         "added min_lr to the full cosine of α₀, so the rate ends at min_lr but starts the decay at α₀ + min_lr; "
         "the cosine spans α₀ − min_lr: α = min_lr + (α₀ − min_lr)·½·(1 + cos πp).")
def _warmup_cosine_min_lr_added(learning_rate0, step, warmup_steps, total_steps, min_lr=0.0):
    return _warmup_cosine(learning_rate0 + min_lr, step, warmup_steps, total_steps, min_lr)


@mistake("warmup_cosine_lr", "scalar_only",
         SCALAR_ONLY.format(function="an if on the step (or math.cos)",
                            instead="np.where(step < warmup_steps, warm-up, cosine) with np.cos and np.clip"))
def _warmup_cosine_scalar(learning_rate0, step, warmup_steps, total_steps, min_lr=0.0):
    if step < warmup_steps:
        return learning_rate0 * step / warmup_steps
    progress = min((step - warmup_steps) / (total_steps - warmup_steps), 1.0)
    return min_lr + (learning_rate0 - min_lr) * 0.5 * (1 + math.cos(math.pi * progress))


# --- clip_by_global_norm ------------------------------------------------------------------------


@cases_for("clip_by_global_norm", returns=("clipped_grads", "total_norm"))
def clip_cases(rng):
    """Gradients far above, below and near max_norm, one and several layers."""
    cases = []
    for dims, scale, max_norm in [(LAYER_SHAPES[0], 5.0, 1.0), (LAYER_SHAPES[1], 10.0, 2.0),
                                  (LAYER_SHAPES[2], 0.1, 5.0), (LAYER_SHAPES[2], 3.0, 0.5),
                                  ([2, 3, 1], float(rng.uniform(0.5, 2.0)), 4.0)]:
        grads = {key: scale * value for key, value in like_grads(rng, random_parameters(rng, dims)).items()}
        cases.append(((grads, max_norm), {}))
    return cases


def _global_norm(grads):
    return float(np.sqrt(sum(np.sum(np.square(grad)) for grad in grads.values())))


@mistake("clip_by_global_norm", "per_array_norm",
         "clipped each array by its own norm; gradient clipping by the global norm scales every array by one "
         "factor, from one norm over all of them: total_norm = √(Σ over every array of Σ dW²), then each array × "
         "min(1, max_norm / (total_norm + 1e-6)), so the direction of the whole gradient is kept.")
def _clip_per_array(grads, max_norm):
    clipped = {key: grad * min(1.0, max_norm / np.sqrt(np.sum(np.square(grad)))) for key, grad in grads.items()}
    return clipped, _global_norm(grads)


@mistake("clip_by_global_norm", "norm_after_clipping",
         "returned the norm after clipping; return total_norm as measured before (as torch's clip_grad_norm_ "
         "does): it is what tells how large the gradient really was.")
def _clip_norm_after(grads, max_norm):
    scale = min(1.0, max_norm / (_global_norm(grads) + 1e-6))
    clipped = {key: scale * grad for key, grad in grads.items()}
    return clipped, _global_norm(clipped)


@mistake("clip_by_global_norm", "always_rescaled",
         "scaled by max_norm / total_norm even when the norm is already below max_norm, which enlarges small "
         "gradients; take min(1, max_norm / (total_norm + 1e-6)) so they are left as they are.")
def _clip_always(grads, max_norm):
    total_norm = _global_norm(grads)
    return {key: max_norm / (total_norm + 1e-6) * grad for key, grad in grads.items()}, total_norm


@mistake("clip_by_global_norm", "squared_norm",
         "used the sum of squares as the norm, without the square root: total_norm = √(Σ dW²) over every entry "
         "of every array.")
def _clip_squared_norm(grads, max_norm):
    total_norm = _global_norm(grads) ** 2
    scale = min(1.0, max_norm / (total_norm + 1e-6))
    return {key: scale * grad for key, grad in grads.items()}, total_norm


@mistake("clip_by_global_norm", "clipped_values",
         "clipped each entry to [−max_norm, max_norm] (clipping by value, Keras's clipvalue); clipping by the "
         "global norm multiplies every entry by one factor, min(1, max_norm / (total_norm + 1e-6)).")
def _clip_by_value(grads, max_norm):
    return {key: np.clip(grad, -max_norm, max_norm) for key, grad in grads.items()}, _global_norm(grads)


@mistake("clip_by_global_norm", "mutates_input")
def _clip_in_place(grads, max_norm):
    total_norm = _global_norm(grads)
    for grad in grads.values():
        grad *= min(1.0, max_norm / (total_norm + 1e-6))
    return grads, total_norm


# --- update_parameters_with_lion ----------------------------------------------------------------


@cases_for("update_parameters_with_lion", returns=("parameters", "m"))
def lion_cases(rng):
    """Non-zero momentum, several shapes, with and without weight decay. Where m is small beside the
    gradients, the signs of c and of the updated m disagree in many coordinates."""
    settings = [
        (LAYER_SHAPES[0], 1.0, {}),
        (LAYER_SHAPES[1], 0.1, {"learning_rate": 0.01, "weight_decay": 0.5}),
        (LAYER_SHAPES[2], 0.1, {"learning_rate": 0.003, "beta1": 0.8, "beta2": 0.95, "weight_decay": 1.0}),
        (LAYER_SHAPES[1], 1.0, {"learning_rate": 0.05, "weight_decay": 0.1}),
    ]
    cases = []
    for dims, m_scale, kwargs in settings:
        parameters = random_parameters(rng, dims)
        m = {key: m_scale * value for key, value in like_grads(rng, parameters).items()}
        cases.append(((parameters, like_grads(rng, parameters), m), kwargs))
    return cases


def _lion(parameters, grads, m, learning_rate, beta1, beta2, weight_decay, direction_of="c", m_beta="beta2",
          decayed=("W",), decay_rate=None):
    """Lion with one knob turned: the sign of ``direction_of`` (``"c"``, ``"new m"``, or ``"c unsigned"``),
    m averaged with ``m_beta`` (``"beta2"`` or ``"beta1"``), the decay on ``decayed`` at ``decay_rate`` (default α·λ)."""
    m_beta = {"beta1": beta1, "beta2": beta2}[m_beta]
    rate = learning_rate * weight_decay if decay_rate is None else decay_rate(learning_rate, weight_decay)
    new_parameters, new_m = {}, {}
    for key, value in parameters.items():
        dkey = "d" + key
        interpolated = beta1 * m[dkey] + (1 - beta1) * grads[dkey]
        new_m[dkey] = m_beta * m[dkey] + (1 - m_beta) * grads[dkey]
        direction = {"c": np.sign(interpolated), "new m": np.sign(new_m[dkey]), "c unsigned": interpolated}
        decay = rate * value if key.startswith(decayed) else 0.0
        new_parameters[key] = value - learning_rate * direction[direction_of] - decay
    return new_parameters, new_m


def register_lion_mistake(mistake_id, sentence, **knobs):
    """Register ``_lion(..., **knobs)`` as the mistake ``mistake_id`` of update_parameters_with_lion."""

    def wrong(parameters, grads, m, learning_rate=1e-4, beta1=0.9, beta2=0.99, weight_decay=0.0):
        return _lion(parameters, grads, m, learning_rate, beta1, beta2, weight_decay, **knobs)

    mistake("update_parameters_with_lion", mistake_id, sentence)(wrong)


register_lion_mistake(
    "sign_of_m",
    "stepped with the sign of the updated momentum m; Lion steps with the sign of c = β₁·m + (1 − β₁)·dW, "
    "made from the old m with β₁, and only then updates m = β₂·m + (1 − β₂)·dW for the next step.",
    direction_of="new m")
register_lion_mistake(
    "m_with_beta1",
    "updated m with β₁; the momentum kept for the next step uses β₂: m = β₂·m + (1 − β₂)·dW (β₁ is only for "
    "this step's direction c = β₁·m + (1 − β₁)·dW).",
    m_beta="beta1")
register_lion_mistake(
    "no_sign",
    "stepped with c itself; Lion steps with its sign, so every coordinate moves by exactly α: "
    "W = W − α·(sign(c) + λ·W).",
    direction_of="c unsigned")
register_lion_mistake(
    "decay_on_b",
    "decayed the biases too; weight decay applies to the weights W only: b = b − α·sign(c).",
    decayed=("W", "b"))
register_lion_mistake(
    "decay_not_times_alpha",
    "subtracted λ·W without multiplying it by the learning rate: W = W − α·(sign(c) + λ·W).",
    decay_rate=lambda learning_rate, weight_decay: weight_decay)

"""Cases and known mistakes for notebook 04: initialize_velocity, update_parameters_with_momentum,
update_parameters_with_nesterov."""

from solutions.cases import LAYER_SHAPES, cases_for, like_grads, mistake, random_parameters
from solutions.cases._zero_states import register_zero_state_mistakes, zero_state_cases

# --- initialize_velocity ------------------------------------------------------------------------


@cases_for("initialize_velocity", returns=("v",))
def initialize_velocity_cases(rng):
    return zero_state_cases(rng)


register_zero_state_mistakes("initialize_velocity", "v")

# --- update_parameters_with_momentum ------------------------------------------------------------


@cases_for("update_parameters_with_momentum", returns=("parameters", "v"))
def momentum_cases(rng):
    """A velocity from earlier steps (non-zero), several shapes, betas and learning rates."""
    cases = []
    for dims, beta in zip(LAYER_SHAPES, (0.9, 0.8, float(rng.uniform(0.6, 0.99)))):
        parameters = random_parameters(rng, dims)
        grads = like_grads(rng, parameters)
        v = like_grads(rng, parameters)
        cases.append(((parameters, grads, v, beta, float(rng.uniform(0.01, 0.5))), {}))
    return cases


def _momentum(parameters, grads, v, beta, learning_rate, old_weight=None, new_weight=None, direction=None,
              sign=-1.0):
    """Momentum with one knob turned: the EWA weights, the step's ``direction(new_v, old_v, dW)``, its sign."""
    old_weight = beta if old_weight is None else old_weight
    new_weight = 1 - beta if new_weight is None else new_weight
    direction = direction or (lambda new, old, gradient: new)
    new_parameters, new_v = {}, {}
    for key in parameters:
        dkey = "d" + key
        new_v[dkey] = old_weight * v[dkey] + new_weight * grads[dkey]
        new_parameters[key] = parameters[key] + sign * learning_rate * direction(new_v[dkey], v[dkey], grads[dkey])
    return new_parameters, new_v


@mistake("update_parameters_with_momentum", "missing_one_minus_beta",
         "updated v with β·v + dW, without the (1 − β) factor: use v = β·v + (1 − β)·dW (the variant without "
         "it needs a learning rate (1 − β) times smaller).")
def _momentum_no_factor(parameters, grads, v, beta, learning_rate):
    return _momentum(parameters, grads, v, beta, learning_rate, new_weight=1.0)


@mistake("update_parameters_with_momentum", "swapped_weights",
         "swapped the weights: it computed v = (1 − β)·v + β·dW. The old velocity keeps the large weight β: v"
         " = β·v + (1 − β)·dW.")
def _momentum_swapped(parameters, grads, v, beta, learning_rate):
    return _momentum(parameters, grads, v, beta, learning_rate, old_weight=1 - beta, new_weight=beta)


@mistake("update_parameters_with_momentum", "beta_for_one_minus_beta",
         "used β where 1 − β belongs: it computed v = β·v + β·dW. The new gradient gets the small weight "
         "1 − β: v = β·v + (1 − β)·dW.")
def _momentum_beta_twice(parameters, grads, v, beta, learning_rate):
    return _momentum(parameters, grads, v, beta, learning_rate, new_weight=beta)


@mistake("update_parameters_with_momentum", "one_minus_beta_for_beta",
         "used 1 − β where β belongs: it computed v = (1 − β)·v + (1 − β)·dW. The old velocity keeps the "
         "large weight β: v = β·v + (1 − β)·dW.")
def _momentum_one_minus_beta_twice(parameters, grads, v, beta, learning_rate):
    return _momentum(parameters, grads, v, beta, learning_rate, old_weight=1 - beta)


@mistake("update_parameters_with_momentum", "stepped_with_old_velocity",
         "moved the parameters with the old velocity; update v first, then step with the new one: W = W − "
         "α·v.")
def _momentum_old_v(parameters, grads, v, beta, learning_rate):
    return _momentum(parameters, grads, v, beta, learning_rate, direction=lambda new, old, gradient: old)


@mistake("update_parameters_with_momentum", "stepped_with_gradient",
         "moved the parameters with the gradient (W − α·dW, plain gradient descent); momentum steps with the "
         "velocity: W = W − α·v.")
def _momentum_gradient(parameters, grads, v, beta, learning_rate):
    return _momentum(parameters, grads, v, beta, learning_rate, direction=lambda new, old, gradient: gradient)


@mistake("update_parameters_with_momentum", "added_velocity",
         "added the velocity: W = W + α·v climbs the cost. Subtract it: W = W − α·v.")
def _momentum_plus(parameters, grads, v, beta, learning_rate):
    return _momentum(parameters, grads, v, beta, learning_rate, sign=+1.0)


@mistake("update_parameters_with_momentum", "velocity_not_returned",
         "returned the velocity it was given, not the updated one; return the new v so the next step can "
         "build on it.")
def _momentum_same_v(parameters, grads, v, beta, learning_rate):
    new_parameters, _ = _momentum(parameters, grads, v, beta, learning_rate)
    return new_parameters, v


@mistake("update_parameters_with_momentum", "last_layer_skipped",
         "did not update the last layer: with L = len(parameters) // 2 layers, loop over l = 1 … L, i.e. "
         "range(1, L + 1).")
def _momentum_range_l(parameters, grads, v, beta, learning_rate):
    new_parameters, new_v = _momentum(parameters, grads, v, beta, learning_rate)
    last = len(parameters) // 2
    for name in "Wb":
        new_parameters[f"{name}{last}"] = parameters[f"{name}{last}"]
        new_v[f"d{name}{last}"] = v[f"d{name}{last}"]
    return new_parameters, new_v


@mistake("update_parameters_with_momentum", "cs231n_convention",
         "followed CS231n's convention, v = β·v − α·dW and W = W + v; this course's velocity averages the "
         "gradients, v = β·v + (1 − β)·dW, and the step subtracts it: W = W − α·v.")
def _momentum_cs231n(parameters, grads, v, beta, learning_rate):
    new_v = {"d" + key: beta * v["d" + key] - learning_rate * grads["d" + key] for key in parameters}
    return {key: parameters[key] + new_v["d" + key] for key in parameters}, new_v


@mistake("update_parameters_with_momentum", "mutates_input")
def _momentum_in_place(parameters, grads, v, beta, learning_rate):
    for key in parameters:
        v["d" + key] = beta * v["d" + key] + (1 - beta) * grads["d" + key]
        parameters[key] -= learning_rate * v["d" + key]
    return parameters, v


# --- update_parameters_with_nesterov ------------------------------------------------------------


@cases_for("update_parameters_with_nesterov", returns=("parameters", "v"))
def nesterov_cases(rng):
    """The momentum cases: a non-zero velocity, several shapes, betas and learning rates."""
    return momentum_cases(rng)


def _look_ahead(beta, gradient_weight=None):
    """The direction of a Nesterov step, ``β·v + (1 − β)·dW`` with the new v, or another weight of dW.

    (With the old v, β·v_old + (1 − β)·dW is the new v itself: that "mistake" is plain momentum.)
    """
    gradient_weight = 1 - beta if gradient_weight is None else gradient_weight
    return lambda new, old, gradient: beta * new + gradient_weight * gradient


def _nesterov(parameters, grads, v, beta, learning_rate, **knobs):
    """Nesterov momentum: momentum stepping along the look-ahead direction, with one knob turned."""
    return _momentum(parameters, grads, v, beta, learning_rate, **{"direction": _look_ahead(beta), **knobs})


@mistake("update_parameters_with_nesterov", "stepped_with_velocity",
         "stepped with the velocity alone, W = W − α·v: that is plain momentum. Nesterov looks ahead: "
         "W = W − α·(β·v + (1 − β)·dW), with the new v.")
def _nesterov_plain_momentum(parameters, grads, v, beta, learning_rate):
    return _momentum(parameters, grads, v, beta, learning_rate)


@mistake("update_parameters_with_nesterov", "look_ahead_missing_beta",
         "stepped with v + (1 − β)·dW; the look-ahead shrinks the new velocity by β: "
         "W = W − α·(β·v + (1 − β)·dW).")
def _nesterov_no_beta(parameters, grads, v, beta, learning_rate):
    return _nesterov(parameters, grads, v, beta, learning_rate,
                     direction=lambda new, old, gradient: new + (1 - beta) * gradient)


@mistake("update_parameters_with_nesterov", "look_ahead_missing_one_minus_beta",
         "added the whole gradient in the look-ahead step, W − α·(β·v + dW); the gradient keeps its weight "
         "1 − β there too: W = W − α·(β·v + (1 − β)·dW).")
def _nesterov_full_gradient(parameters, grads, v, beta, learning_rate):
    return _nesterov(parameters, grads, v, beta, learning_rate, direction=_look_ahead(beta, gradient_weight=1.0))


@mistake("update_parameters_with_nesterov", "swapped_weights",
         "swapped the weights of the velocity: it computed v = (1 − β)·v + β·dW. The old velocity keeps the "
         "large weight β: v = β·v + (1 − β)·dW.")
def _nesterov_swapped(parameters, grads, v, beta, learning_rate):
    return _nesterov(parameters, grads, v, beta, learning_rate, old_weight=1 - beta, new_weight=beta)


@mistake("update_parameters_with_nesterov", "velocity_not_returned",
         "returned the velocity it was given, not the updated one; return the new v so the next step can "
         "build on it.")
def _nesterov_same_v(parameters, grads, v, beta, learning_rate):
    return _nesterov(parameters, grads, v, beta, learning_rate)[0], v


@mistake("update_parameters_with_nesterov", "pytorch_convention",
         "followed PyTorch's SGD(nesterov=True), v = β·v + dW and W = W − α·(dW + β·v), without the (1 − β) "
         "factors; this course's Nesterov averages the gradients: v = β·v + (1 − β)·dW, "
         "W = W − α·(β·v + (1 − β)·dW).")
def _nesterov_pytorch(parameters, grads, v, beta, learning_rate):
    return _nesterov(parameters, grads, v, beta, learning_rate, new_weight=1.0,
                     direction=_look_ahead(beta, gradient_weight=1.0))


@mistake("update_parameters_with_nesterov", "keras_convention",
         "followed Keras's SGD(nesterov=True), v = β·v − α·dW and W = W + β·v − α·dW; this course's velocity "
         "averages the gradients, v = β·v + (1 − β)·dW, and the step subtracts it: "
         "W = W − α·(β·v + (1 − β)·dW).")
def _nesterov_keras(parameters, grads, v, beta, learning_rate):
    new_v = {"d" + key: beta * v["d" + key] - learning_rate * grads["d" + key] for key in parameters}
    new_parameters = {key: parameters[key] + beta * new_v["d" + key] - learning_rate * grads["d" + key]
                      for key in parameters}
    return new_parameters, new_v


@mistake("update_parameters_with_nesterov", "mutates_input")
def _nesterov_in_place(parameters, grads, v, beta, learning_rate):
    for key in parameters:
        v["d" + key] = beta * v["d" + key] + (1 - beta) * grads["d" + key]
        parameters[key] -= learning_rate * (beta * v["d" + key] + (1 - beta) * grads["d" + key])
    return parameters, v

"""Cases and known mistakes for notebook 04: initialize_velocity, update_parameters_with_momentum."""

from solutions.cases import LAYER_SHAPES, cases_for, like_grads, mistake, random_parameters
from solutions.cases._zero_states import register_zero_state_mistakes, zero_state_cases

# --- initialize_velocity ------------------------------------------------------------------------


@cases_for("initialize_velocity")
def initialize_velocity_cases(rng):
    return zero_state_cases(rng)


register_zero_state_mistakes("initialize_velocity")

# --- update_parameters_with_momentum ------------------------------------------------------------


@cases_for("update_parameters_with_momentum")
def momentum_cases(rng):
    """A velocity from earlier steps (non-zero), several shapes, betas and learning rates."""
    cases = []
    for dims, beta in zip(LAYER_SHAPES, (0.9, 0.8, float(rng.uniform(0.6, 0.99)))):
        parameters = random_parameters(rng, dims)
        grads = like_grads(rng, parameters)
        v = like_grads(rng, parameters)
        cases.append(((parameters, grads, v, beta, float(rng.uniform(0.01, 0.5))), {}))
    return cases


def _momentum(parameters, grads, v, beta, learning_rate, old_weight=None, new_weight=None, step_with="v",
              sign=-1.0):
    """Momentum with one knob turned: the EWA weights, what the step uses, its sign."""
    old_weight = beta if old_weight is None else old_weight
    new_weight = 1 - beta if new_weight is None else new_weight
    new_parameters, new_v = {}, {}
    for key in parameters:
        dkey = "d" + key
        new_v[dkey] = old_weight * v[dkey] + new_weight * grads[dkey]
        direction = {"v": new_v[dkey], "old_v": v[dkey], "gradient": grads[dkey]}[step_with]
        new_parameters[key] = parameters[key] + sign * learning_rate * direction
    return new_parameters, new_v


@mistake("update_parameters_with_momentum", "missing_one_minus_beta")
def _momentum_no_factor(parameters, grads, v, beta, learning_rate):
    return _momentum(parameters, grads, v, beta, learning_rate, new_weight=1.0)


@mistake("update_parameters_with_momentum", "swapped_weights")
def _momentum_swapped(parameters, grads, v, beta, learning_rate):
    return _momentum(parameters, grads, v, beta, learning_rate, old_weight=1 - beta, new_weight=beta)


@mistake("update_parameters_with_momentum", "stepped_with_old_velocity")
def _momentum_old_v(parameters, grads, v, beta, learning_rate):
    return _momentum(parameters, grads, v, beta, learning_rate, step_with="old_v")


@mistake("update_parameters_with_momentum", "stepped_with_gradient")
def _momentum_gradient(parameters, grads, v, beta, learning_rate):
    return _momentum(parameters, grads, v, beta, learning_rate, step_with="gradient")


@mistake("update_parameters_with_momentum", "added_velocity")
def _momentum_plus(parameters, grads, v, beta, learning_rate):
    return _momentum(parameters, grads, v, beta, learning_rate, sign=+1.0)


@mistake("update_parameters_with_momentum", "velocity_not_returned")
def _momentum_same_v(parameters, grads, v, beta, learning_rate):
    new_parameters, _ = _momentum(parameters, grads, v, beta, learning_rate)
    return new_parameters, v


@mistake("update_parameters_with_momentum", "last_layer_skipped")
def _momentum_range_l(parameters, grads, v, beta, learning_rate):
    new_parameters, new_v = _momentum(parameters, grads, v, beta, learning_rate)
    last = len(parameters) // 2
    for name in "Wb":
        new_parameters[f"{name}{last}"] = parameters[f"{name}{last}"]
        new_v[f"d{name}{last}"] = v[f"d{name}{last}"]
    return new_parameters, new_v


@mistake("update_parameters_with_momentum", "mutates_input")
def _momentum_in_place(parameters, grads, v, beta, learning_rate):
    for key in parameters:
        v["d" + key] = beta * v["d" + key] + (1 - beta) * grads["d" + key]
        parameters[key] -= learning_rate * v["d" + key]
    return parameters, v

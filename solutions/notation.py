"""The notebook's notation for the code of solutions/: ``beta * v[dkey]`` is written ``β·v``.

The generated mistakes of :mod:`solutions.mutants` say what was edited in these words ("raised
decay_rate to the power epoch_num where the formula multiplies them: α = α₀ / (1 + decay_rate ·
epoch_num)"). What has no notation (a comprehension, a helper of the reference, a loop's key) comes out
as :data:`UNSAID`, and a sentence holding it is not said: the sentences ship to learners, the code not.
"""

import ast

SYMBOLS = {
    "learning_rate": "α", "learning_rate0": "α₀", "beta": "β", "beta1": "β₁", "beta2": "β₂", "epsilon": "ε",
    "theta": "θ", "value": "θ_t", "previous": "v", "lambd": "λ", "new_v": "v", "new_s": "s",
    "v_corrected": "v̂", "s_corrected": "ŝ", "new_parameters": "W", "hessian": "H", "symmetric": "S", "tol": "tol",
    "shuffled_X": "the shuffled X", "shuffled_Y": "the shuffled Y", "l2": "the L2 penalty",
    "cross_entropy": "the cross-entropy", "weight_decay": "λ", "stepped": "the weight after Adam's step",
    "direction": "sign(c)", "decay": "λ·W", "new_m": "m", "grad": "dW", "scale": "the scale factor",
    "warming": "the warm-up's rate", "cosine": "the cosine's rate", "progress": "p",
}
# Dicts whose entry [key] or [dkey] reads as one symbol: grads[dkey] is dW, parameters[key] is W.
ENTRY_SYMBOLS = {"grads": "dW", "parameters": "W", "new_parameters": "W", "v": "v", "s": "s", "new_v": "v",
                 "new_s": "s", "v_corrected": "v̂", "s_corrected": "ŝ", "stepped": "the weight after Adam's step",
                 "new_m": "m", "m": "m"}
# What a function returns, as the notebook writes it (for a return statement's formula).
RETURN_SYMBOLS = {"update_lr": "α", "schedule_lr_decay": "α", "exponential_decay": "α", "inverse_sqrt_decay": "α",
                  "effective_window": "the window", "ewa_bias_corrected": "the corrected average",
                  "compute_cost_with_regularization": "J", "fraction_positive_definite": "the fraction"}
# Statements of helpers, said in words rather than code.
HELPER_CONTEXT = {
    "parameter_keys": "the layers are l = 1 … L (range(1, L + 1)), each with its W and b",
    "layer_count": "the network has L = len(parameters) // 2 layers",
    "zeros_like_grads": "each entry starts as zeros shaped like its parameter, keyed \"dW1\", \"db1\", …",
}
OPERATORS = {ast.Add: "+", ast.Sub: "−", ast.Mult: "·", ast.Div: "/", ast.Pow: "^", ast.FloorDiv: "//",
             ast.Mod: "%", ast.MatMult: "@", ast.BitAnd: "and", ast.BitOr: "or"}
PRECEDENCE = {ast.BitOr: 0, ast.BitAnd: 0, ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2, ast.FloorDiv: 2,
              ast.Mod: 2, ast.MatMult: 2, ast.Pow: 4}
COMPARISONS = {ast.Gt: ">", ast.GtE: "≥", ast.Lt: "<", ast.LtE: "≤", ast.Eq: "=="}
CALL_NOTATION = {"sqrt": "√{}", "square": "{}²", "floor": "⌊{}⌋", "ceil": "⌈{}⌉", "abs": "|{}|"}
CALL_NAMES = {"sqrt": "the square root", "square": "the square", "floor": "the floor", "ceil": "the ceiling",
              "round": "the rounding", "abs": "the absolute value", "swapaxes": "the transpose", "mean": "the mean",
              "sum": "the sum", "float": "float(...)", "asarray": "np.asarray", "eigvalsh": "the eigenvalues",
              "trunc": "the truncation"}


def atomic(text):
    """Whether ``text`` needs no parentheses to be raised to a power or square-rooted."""
    return text.replace("_", "").replace(".", "").isalnum() or text.startswith(("(", "⌊", "⌈", "|"))


# What notation() writes for code the notebook has no notation for (a comprehension, a helper of the
# reference, a loop's key): a phrase or formula holding it is not said, so no code of the reference ships.
UNSAID = "\x00"
# Functions the notebook names as they are; any other call (a helper of solutions/) is code.
MATH_FUNCTIONS = {"sqrt", "square", "floor", "ceil", "round", "trunc", "abs", "log", "log10", "log2", "exp", "mean",
                  "sum", "min", "max", "any", "all", "swapaxes", "asarray", "eigvalsh", "eigvals", "float", "int",
                  "power", "len", "ewa", "zeros_like", "zeros", "permutation", "default_rng", "standard_normal"}
CODE_NAMES = {"key", "dkey", "keys", "_", "name", "layer"}


def said(text):
    """Whether ``text`` holds nothing notation() could not write."""
    return UNSAID not in text


def notation(node, parent=0):
    """The expression ``node`` as the notebook writes it: ``beta * v[dkey]`` is ``β·v``; code it has no
    notation for comes out as :data:`UNSAID`."""
    if isinstance(node, ast.Name):
        return UNSAID if node.id in CODE_NAMES else SYMBOLS.get(node.id, node.id)
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return repr(value) if isinstance(value, str) else str(value)
    if isinstance(node, ast.BinOp):
        precedence = PRECEDENCE[type(node.op)]
        left, right = notation(node.left, precedence), notation(node.right, precedence + 1)
        if isinstance(node.op, ast.Pow):
            text = f"{left}^{right if atomic(right) else '(' + right + ')'}"
        else:
            separator = OPERATORS[type(node.op)]
            tight = separator == "·" and len(left) <= 2 and len(right) <= 2
            text = f"{left}{separator}{right}" if tight else f"{left} {separator} {right}"
        return f"({text})" if precedence < parent else text
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return f"−{notation(node.operand, 3)}"
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in ENTRY_SYMBOLS \
            and isinstance(node.slice, ast.Name) and node.slice.id in ("key", "dkey"):
        return ENTRY_SYMBOLS[node.value.id]
    if isinstance(node, ast.Subscript):
        index = ast.unparse(node)[len(ast.unparse(node.value)):]
        return notation(node.value, 5) + (UNSAID if any(name in index for name in CODE_NAMES if len(name) > 1) else index)
    if isinstance(node, ast.Attribute) and node.attr == "T":
        return notation(node.value, 5) + "ᵀ"
    if isinstance(node, ast.Attribute) and node.attr == "shape":
        return notation(node.value, 5) + ".shape"
    if isinstance(node, ast.Call):
        function = called(node)
        if function not in MATH_FUNCTIONS:
            return UNSAID
        if function == "sum" and node.args and isinstance(node.args[0], ast.GeneratorExp):
            return f"Σ {notation(node.args[0].elt, 2)}"
        if function == "sum" and node.args and isinstance(node.args[0], ast.Call) and called(node.args[0]) == "square":
            return f"‖{notation(node.args[0].args[0])}‖²"
        arguments = [notation(argument) for argument in node.args]
        if function in CALL_NOTATION and len(arguments) == 1:
            inner = arguments[0] if atomic(arguments[0]) or function in ("floor", "ceil", "abs") else f"({arguments[0]})"
            return CALL_NOTATION[function].format(inner)
        if function == "swapaxes" and arguments:
            return arguments[0] + "ᵀ"
        if function == "asarray" and arguments:
            return arguments[0]
        chained = notation(node.func.value) + "." if isinstance(node.func, ast.Attribute) and isinstance(
            node.func.value, ast.Call) else ""
        return f"{chained}{function}({', '.join(arguments)})"
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in COMPARISONS:
        return f"{notation(node.left)} {COMPARISONS[type(node.ops[0])]} {notation(node.comparators[0])}"
    return UNSAID


def called(call):
    """The name of the function a Call node calls: ``np.sqrt(x)`` -> ``"sqrt"``; ``float(x)`` -> ``"float"``."""
    function = call.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")


def statement_notation(function, statement):
    """The statement of ``function`` (its name) holding an edit, as a formula: ``v = β·v + (1 − β)·dW``."""
    if function in HELPER_CONTEXT:
        return HELPER_CONTEXT[function]
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
        value = statement.value.value if isinstance(statement.value, ast.DictComp) else statement.value
        target = statement.targets[0].id
        if isinstance(value, ast.Call) and called(value) in ("asarray", "empty_like", "zeros_like"):
            return None
        return f"{SYMBOLS.get(target, target)} = {notation(value)}"
    if isinstance(statement, ast.Return) and isinstance(statement.value, ast.DictComp) and \
            isinstance(statement.value.key, ast.Name) and statement.value.key.id == "key":
        return f"W = {notation(statement.value.value)}"
    if isinstance(statement, ast.Return) and statement.value is not None and function in RETURN_SYMBOLS:
        return f"{RETURN_SYMBOLS[function]} = {notation(statement.value)}"
    return None

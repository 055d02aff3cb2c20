"""`lamina.wrappers`: scikit-learn estimators around Lamina models.

scikit-learn is imported only when one of the wrappers is first used.
"""

_NAMES = ("SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer")
__all__ = list(_NAMES)


def __getattr__(name):
    if name in _NAMES:
        from lamina.wrappers import sklearn

        return getattr(sklearn, name)
    raise AttributeError(f"module 'lamina.wrappers' has no attribute {name!r}")

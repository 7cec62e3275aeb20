"""NLP errors; each message says what to do."""

from kefu.core.errors import InvalidInput, NotFound


class BadRules(InvalidInput):
    default_code = "nlp_bad_rules"

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"分类规则有误：{zh}，请修改后重试", f"Intake rules are invalid: {en}; fix them and retry")


class ModelNotFound(NotFound):
    default_code = "nlp_model_not_found"

    def __init__(self, version: str) -> None:
        super().__init__(
            f"找不到分类模型版本 {version}，请用 kefu nlp train 训练或选择已有版本",
            f"No intake model version {version}; run `kefu nlp train` or pick an existing version",
        )


class BadTrainingData(InvalidInput):
    default_code = "nlp_bad_training_data"

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"训练数据有误：{zh}", f"Training data is invalid: {en}")


class UnknownCategory(InvalidInput):
    default_code = "nlp_unknown_category"

    def __init__(self, code: str) -> None:
        super().__init__(f"未知类别：{code}，请使用分类表中的代码", f"Unknown category {code}; use a code from the taxonomy")

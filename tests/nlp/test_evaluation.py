from kefu.nlp.evaluation import evaluate


def test_figures_by_hand():
    report = evaluate(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    assert report.accuracy == 0.75
    a, b = report.per_class
    assert (a.precision, a.recall) == (1.0, 0.5)
    assert (b.precision, b.recall) == (round(2 / 3, 4), 1.0)
    assert report.macro_f1 == round((a.f1 + b.f1) / 2, 4)
    assert report.confusion == ((1, 1), (0, 2))


def test_classes_absent_from_the_truth_do_not_count_in_macro_f1():
    report = evaluate(["a", "a"], ["a", "a"], labels=["a", "b", "c"])
    assert report.macro_f1 == 1.0
    assert report.weak() == []

"""Report charts read whole: long labels go on over further lines, never cut short."""

from learning.reports import charts

LONG = ("Digital government and the public servant: tools, platforms and the "
        "mindsets that make them work for citizens")


def test_a_long_label_goes_on_over_lines_and_the_bar_follows_its_last():
    chart = charts.bar_chart([(LONG, 50, "50"), ("Short", 100, "100")], 100)
    long, short = chart.bars
    assert " ".join(line for line, _y in long.lines) == LONG
    assert len(long.lines) > 1
    assert all(len(line) <= charts.LINE_MAX for line, _y in long.lines)
    baselines = [y for _line, y in long.lines]
    assert baselines == sorted(baselines) and long.bar_y > baselines[-1]
    # The next bar's label starts below the first bar, whatever its label's length.
    assert short.lines[0][1] > long.bar_y + chart.bar_height
    assert chart.height > short.bar_y + chart.bar_height
    assert long.width == charts.PLOT_WIDTH / 2 and short.width == charts.PLOT_WIDTH


def test_a_short_label_is_one_line():
    [bar] = charts.bar_chart([("Joined", 1, "1")], 1).bars
    assert [line for line, _y in bar.lines] == ["Joined"]

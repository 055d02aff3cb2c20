"""The drawing page in a real browser: draw digits with the mouse, read the model's answer.

Runs in the torch backend's session only (it trains a small MNIST model, a few seconds), with
Debian's chromium and chromedriver, headless.
"""

from __future__ import annotations

import math
import os
import pathlib
import shutil

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.serving import ModelServer

DATA_DIR = pathlib.Path(__file__).resolve().parents[3] / "shared" / "data"

pytestmark = [
    pytest.mark.skipif(
        lamina.backend.backend() != "torch",
        reason="the browser test runs in the torch backend's session only (it trains a model)",
    ),
    pytest.mark.skipif(
        not (shutil.which("chromium") and shutil.which("chromedriver")),
        reason="chromium and chromedriver are not installed (apt-get install chromium "
        "chromium-driver)",
    ),
]


@pytest.fixture(scope="module")
def mnist_model():
    """An MLP trained for three epochs on 10,000 MNIST digits (about 92% test accuracy)."""
    if not os.environ.get("LAMINA_DATA_DIR") and (DATA_DIR / "mnist.npz").exists():
        os.environ["LAMINA_DATA_DIR"] = str(DATA_DIR)
    from lamina.datasets import mnist

    try:
        (x, y), (x_test, y_test) = mnist.load_data()
    except Exception as e:  # no mirror and no network
        pytest.skip(f"MNIST is not available: {e}")
    x = (x[:10000, :, :, None] / 255.0).astype("float32")
    lamina.utils.set_random_seed(0)
    model = lamina.Sequential(
        [
            layers.Input(shape=(28, 28, 1)),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ],
        name="mnist",
    )
    model.compile(
        optimizer=lamina.optimizers.Adam(3e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(x, y[:10000], batch_size=100, epochs=3, verbose=0)
    x_test = (x_test[:2000, :, :, None] / 255.0).astype("float32")
    accuracy = float(np.mean(np.argmax(model.predict(x_test, verbose=0), -1) == y_test[:2000]))
    assert accuracy > 0.88, accuracy
    return model


@pytest.fixture(scope="module")
def driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=900,700"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
    yield drv
    drv.quit()


def _stroke(driver, canvas, points):
    from selenium.webdriver.common.action_chains import ActionChains

    actions = ActionChains(driver, duration=10)
    x0, y0 = points[0]
    actions.move_to_element_with_offset(canvas, x0, y0).click_and_hold()
    for (xa, ya), (xb, yb) in zip(points, points[1:]):
        actions.move_by_offset(xb - xa, yb - ya)
    actions.release().perform()


def _wait_for_answer(driver):
    from selenium.webdriver.support.ui import WebDriverWait

    def done(d):
        body = d.find_element("tag name", "body")
        text = d.find_element("id", "prediction").text
        return text if text and body.get_attribute("data-busy") == "0" else False

    return WebDriverWait(driver, 10).until(done)


ONE = [(0, y) for y in range(-90, 91, 15)]
ZERO = [
    (round(55 * math.sin(t * math.pi / 12)), round(-85 * math.cos(t * math.pi / 12)))
    for t in range(25)
]
SEVEN = [(x, -80) for x in range(-60, 61, 20)] + [(60 - 12 * k, -80 + 20 * k) for k in range(1, 9)]


@pytest.mark.parametrize("input_shape", [(28, 28, 1), (28, 28), (784,)])
def test_draw_digits_and_read_the_answer(driver, mnist_model, tmp_path, input_shape):
    model = mnist_model
    if input_shape != (28, 28, 1):  # the same weights behind an input of another shape
        model = lamina.Sequential(
            [layers.Input(shape=input_shape), *mnist_model.layers[-3:]], name="flat"
        )
    from selenium.webdriver.support.ui import WebDriverWait

    with ModelServer(model, name="mnist", port=0) as server:
        driver.get(server.url)
        WebDriverWait(driver, 10).until(
            lambda d: d.find_element("tag name", "body").get_attribute("data-state") == "ready"
        )
        shown = str(input_shape[0])
        assert shown in driver.find_element("id", "model-info").text
        canvas = driver.find_element("id", "pad")
        got = {}
        for digit, points in (("1", ONE), ("0", ZERO), ("7", SEVEN)):
            driver.find_element("id", "clear").click()
            assert driver.find_element("id", "prediction").text == ""
            _stroke(driver, canvas, points)
            got[digit] = _wait_for_answer(driver)
            bars = driver.find_elements("css selector", "#bars li")
            assert len(bars) == 10
            if digit == "7":
                png = tmp_path / "page.png"
                driver.save_screenshot(str(png))
        assert got == {"1": "1", "0": "0", "7": "7"}, got
        assert "% sure" in driver.find_element("id", "confidence").text
        assert driver.find_element("id", "error").text == ""
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe

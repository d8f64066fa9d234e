"""The Python API: `ocrforge.recognize(images)`."""

from __future__ import annotations

from ocrforge.io.images import ImageSource, load_image
from ocrforge.runtime.recognizers import default_recognizer, word_list_for
from ocrforge.runtime.upright import ORIENTATIONS, recognize_upright
from ocrforge.text.ctc import Decoded


def recognize(images: ImageSource | list[ImageSource], decoder: str = "greedy", model: str | None = None,
              lexicon: str | None = None, orientation: str = "auto", handwriting: bool = False) -> list[Decoded]:
    """Read each image as one cropped word or text line (`model`: crnn, attention, handwriting or an ONNX
    file; `handwriting=True`: handwritten lines, the same as model="handwriting").

    `lexicon`: "english" or "french" (the built-in lists, `pip install 'ocrforge[lexicon]'`) or a word list file:
    known words are preferred where the recognizer is unsure, other text is read as it stands.
    `orientation`: "auto" reads a crop taller than wide turned a quarter each way too and keeps the surest
    reading (words standing on end); "none" reads every crop as it is.

    `images`: one or a list of paths, encoded bytes, numpy arrays or PIL images.
    Returns one Decoded (text, confidence, char_confidences) per image, in order.
    Raises ocrforge.io.images.ImageError naming the first input that is not a readable image.
    """
    if not isinstance(images, list):
        images = [images]
    arrays = [load_image(im) for im in images]
    if orientation not in ORIENTATIONS:
        raise ValueError(f"orientation must be one of {', '.join(ORIENTATIONS)}, not {orientation!r}")
    recognizer = default_recognizer("handwriting" if handwriting and model is None else model)
    words = word_list_for(recognizer, lexicon)
    if orientation == "auto":
        return recognize_upright(recognizer, arrays, decoder, lexicon=words)
    return recognizer.recognize(arrays, decoder=decoder, lexicon=words)

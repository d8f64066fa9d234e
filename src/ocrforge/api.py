"""The Python API: `ocrforge.recognize(images)`."""

from __future__ import annotations

from ocrforge.io.images import ImageSource, load_image
from ocrforge.runtime.recognizers import default_recognizer, word_list_for
from ocrforge.runtime.upright import ORIENTATIONS, detector_for, recognize_upright
from ocrforge.text.ctc import Decoded


def recognize(images: ImageSource | list[ImageSource], decoder: str = "greedy", model: str | None = None,
              lexicon: str | None = None, orientation: str = "auto", handwriting: bool = False) -> list[Decoded]:
    """Read each image as one cropped word or text line (`model`: crnn, attention, handwriting or an ONNX
    file; `handwriting=True`: handwritten lines, the same as model="handwriting").

    `lexicon`: "english" or "french" (the built-in lists, `pip install 'ocrforge[lexicon]'`) or a word list file:
    known words are preferred where the recognizer is unsure, other text is read as it stands.
    `orientation`: "auto" reads a crop taller than wide turned a quarter each way too (words standing on
    end) and an unsurely read one again cut straight along the word the detector finds in it (words aslant
    or on an arch), and keeps the surest reading; "none" reads every crop as it is.

    `images`: one or a list of paths, encoded bytes, numpy arrays or PIL images.
    Returns one Decoded (text, confidence, char_confidences) per image, in order.
    Raises ocrforge.io.images.ImageError naming the first input that is not a readable image.
    """
    if not isinstance(images, list):
        images = [images]
    arrays = [load_image(im) for im in images]
    if orientation not in ORIENTATIONS:
        raise ValueError(f"orientation must be one of {', '.join(ORIENTATIONS)}, not {orientation!r}")
    model = "handwriting" if handwriting and model is None else model
    recognizer = default_recognizer(model)
    words = word_list_for(recognizer, lexicon)
    if orientation == "auto":
        return recognize_upright(recognizer, arrays, decoder, lexicon=words, detector=detector_for(model))
    return recognizer.recognize(arrays, decoder=decoder, lexicon=words)

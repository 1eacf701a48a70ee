"""Loading TED (and any Rasa TensorFlow model, DIET included) for prediction
without tracing its training step.

Rasa 3.6's `RasaModel.load` builds a model's weights by fitting it on one
example before reading the trained weights over them. That traces Keras's
whole training function (gradients, optimizer): on this project's model it
is about 45 of the 55 seconds a Rasa server takes to start, paid again by
every server, test run and rolling update. A model that will only predict
needs the weights prediction uses: one prediction creates them, the
checkpoint's values are read into them (the optimizer's saved state is not
needed, hence `expect_partial`), and the label embeddings Rasa caches for
prediction are computed again from the loaded weights. Fine-tuning (an
incremental `rasa train --finetune`) keeps Rasa's own path, which needs the
optimizer. tests/model/ checks that both paths predict the same.
"""
import logging
from typing import Any, Callable, Optional, Text

from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

logger = logging.getLogger(__name__)

_RASA_LOAD: Callable[..., RasaModel] = RasaModel.load.__func__


def load_for_prediction(cls: type, model_file_name: Text, model_data_example: RasaModelData,
                        predict_data_example: Optional[RasaModelData] = None, finetune_mode: bool = False,
                        *args: Any, **kwargs: Any) -> RasaModel:
    if finetune_mode or predict_data_example is None:
        return _RASA_LOAD(cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
                          *args, **kwargs)
    model = cls(*args, **kwargs)
    # An eager prediction creates the weights; nothing is traced yet, so no
    # graph keeps the random initial values (a traced prediction captures the
    # label embeddings Rasa caches as constants).
    traced = model._run_eagerly
    model._run_eagerly = True
    model.run_inference(predict_data_example)
    model.load_weights(model_file_name).expect_partial()
    model._run_eagerly = traced
    model.prepared_for_prediction = False  # label embeddings again, from the loaded weights
    model._tf_predict_step = None
    model.run_inference(predict_data_example)  # traces prediction, as Rasa's load does
    logger.debug("Loaded %s for prediction from %s", cls.__name__, model_file_name)
    return model


def rasa_load(cls: type, *args: Any, **kwargs: Any) -> RasaModel:
    """Rasa's own loading (fit on one example, then the weights): for comparison."""
    return _RASA_LOAD(cls, *args, **kwargs)

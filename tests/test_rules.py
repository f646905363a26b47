"""harness.verdict.rules against TensorFlow's own words.

SAMPLES are verbatim TensorFlow 2.21 messages (and older versions' where marked) (x86-64 CPU), collected by running configurations the
reference rejects on all six targets (see harness/verdict/rules.py): per rule, the shortest message each of
its patterns matched, and one per mode (eager, function, xla) that produced one. Each must agree with
its rule and with no other (except the wordings TF shares between rules, SHARED); NO_RULE are
TensorFlow rejecting for reasons of its own (a kernel limitation, an internal error, a Python error in
tf.nn), which agree with no rule.
"""
import re
import subprocess
import sys
from pathlib import Path

import pytest

from harness.verdict.rules import ERROR_TYPES, TF_PATTERNS, agrees
from reference.errors import RULES

# One TF check that covers two rules: the message is right for either.
SHARED = (
    ("filter must not have zero elements", {"window-zero", "filter-depth-zero"},
     "TF's kernels reject an empty filter, whichever dimension is 0"),
    ("Pooling is not yet supported on the batch dimension", {"ksize-batch-channel", "strides-batch-channel"},
     "MaxPool's and AvgPool's one check covers ksize[0] and strides[0]"),
    ("Paddings must be non-negative", {"explicit-padding-negative", "dilated-window-overflow"},
     "space_to_batch rejects negative paddings: explicit ones, or SAME ones of a window beyond int32 (overflowed)"),
    ("paddings cannot be negative", {"explicit-padding-negative", "dilated-window-overflow"},
     "the same check in SpaceToBatchND's shape function"),
    ("`data_format` values other  than 'NHWC' are not supported", {"argmax-data-format", "morphology-data-format"},
     "tf.nn's one wording for max_pool_with_argmax, dilation2d and erosion2d"),
)

SAMPLES = {
    'dtype-not-accepted': (
        ('InvalidArgumentError', 'Value for attr \'T\' of int32 is not in the list of allowed values: half, bfloat16, float\n\t; NodeDef: {{node MaxPool3D}}; Op<name=MaxPool3D; signature=input:T -> output:T; attr=ksize:list(int),min=5; attr=strides:list(int),min=5; attr=padding:string,allowed=["SAME", "VALID"]; attr=data_format:string,default="NDHWC",allowed=["NDHWC", "NCDHW"]; attr=T:type,allowed=[DT_HALF, DT_BFLOAT16, DT_FLOAT]> [Op:MaxPool3D]'),  # pool on eager/eigen
        ('TypeError', "Value passed to parameter 'input' has DataType int8 not in list of allowed values: float16, bfloat16, float32"),  # max_pool on function/onednn
        ('NotFoundError', "Could not find device for node: {{node SpaceToBatchND}} = SpaceToBatchND[T=DT_COMPLEX64, Tblock_shape=DT_INT32, Tpaddings=DT_INT32]\nAll kernels registered for op SpaceToBatchND:\n  device='XLA_CPU_JIT'; Tpaddings in [DT_INT32, DT_INT64]; Tblock_shape in [DT_INT32, DT_INT64]; T in [DT_FLOAT, DT_DOUBLE, DT_INT32, DT_UINT8, DT_INT16, DT_INT8, DT_COMPLEX64, DT_INT64, DT_BOOL, DT_QINT8, DT_QUINT8, DT_QINT32, DT_BFLOAT16, DT_UINT16, DT_COMPLEX128, DT_HALF, DT_UINT32, DT_UINT64, DT_FLOAT8_E5M2, DT_FLOAT8_E4M3FN, DT_FLOAT8_E4M3FNUZ, DT_FLOAT8_E4M3B11FNUZ, DT_FLOAT8_E5M2FNUZ, DT_INT4, DT_UINT4]\n  device='XLA_GPU_JIT'; Tpaddings in [DT_INT32, DT_INT64]; Tblock_shape in [DT_INT32, DT_INT64]; T in [DT_FLOAT, DT_DOUBLE, DT_INT32, DT_UINT8, DT_INT16, DT_INT8, DT_COMPLEX64, DT_INT64, DT_BOOL, DT_QINT8, DT_QUINT8, DT_QINT32, DT_BFLOAT16, DT_UINT16, DT_COMPLEX128, DT_HALF, DT_UINT32, DT_UINT64, DT_FLOAT8_E5M2, DT_FLOAT8_E4M3FN, DT_FLOAT8_E4M3FNUZ, DT_FLOAT8_E4M3B11FNUZ, DT_FLOAT8_E5M2FNUZ, DT_INT4, DT_UINT4]\n  device='CPU'; T in [DT_DOUBLE]\n  device='CPU'; T in [DT_FLOAT]\n  device='CPU'; T in [DT_BFLOAT16]\n  device='CPU'; T in [DT_HALF]\n  device='CPU'; T in [DT_INT32]\n  device='CPU'; T in [DT_INT8]\n  device='CPU'; T in [DT_UINT8]\n  device='CPU'; T in [DT_INT16]\n  device='CPU'; T in [DT_UINT16]\n  device='CPU'; T in [DT_UINT32]\n  device='CPU'; T in [DT_INT64]\n  device='CPU'; T in [DT_UINT64]\n  device='GPU'; T in [DT_DOUBLE]\n  device='GPU'; T in [DT_FLOAT]\n  device='GPU'; T in [DT_BFLOAT16]\n  device='GPU'; T in [DT_HALF]\n [Op:SpaceToBatchND] name: "),  # atrous_conv2d on eager/eigen
        ('TypeError', "Value passed to parameter 'input' has DataType int8 not in list of allowed values: float16, bfloat16, float32"),  # max_pool on xla/eigen
        ('TypeError', "Value passed to parameter 'x' has DataType uint8 not in list of allowed values: bfloat16, float16, float32, float64, int8, int16, int32, int64, complex64, complex128"),  # erosion2d on function/eigen
        ('InvalidArgumentError', 'No OpKernel was registered to support Op \'ExtractImagePatches\' used by {{node ExtractImagePatches}} with these attrs: [rates=[1, 1, 1, 1], padding="VALID", strides=[1, 1, 1, 1], ksizes=[1, 2, 2, 1], T=DT_BOOL]\nRegistered devices: [CPU]\nRegistered kernels:\n  device=\'XLA_GPU_JIT\'; T in [DT_FLOAT, DT_DOUBLE, DT_BFLOAT16, DT_HALF]\n  device=\'XLA_CPU_JIT\'; T in [DT_FLOAT, DT_DOUBLE, DT_INT32, DT_BFLOAT16, DT_HALF]\n  device=\'CPU\'; T in [DT_COMPLEX128]\n  device=\'CPU\'; T in [DT_COMPLEX64]\n  device=\'CPU\'; T in [DT_DOUBLE]\n  device=\'CPU\'; T in [DT_FLOAT]\n  device=\'CPU\'; T in [DT_BFLOAT16]\n  device=\'CPU\'; T in [DT_HALF]\n  device=\'CPU\'; T in [DT_INT32]\n  device=\'CPU\'; T in [DT_INT8]\n  device=\'CPU\'; T in [DT_UINT8]\n  device=\'CPU\'; T in [DT_INT16]\n  device=\'CPU\'; T in [DT_UINT16]\n  device=\'CPU\'; T in [DT_UINT32]\n  device=\'CPU\'; T in [DT_INT64]\n  device=\'CPU\'; T in [DT_UINT64]\n  device=\'GPU\'; T in [DT_BOOL]\n  device=\'GPU\'; T in [DT_COMPLEX128]\n  device=\'GPU\'; T in [DT_COMPLEX64]\n  device=\'GPU\'; T in [DT_DOUBLE]\n  device=\'GPU\'; T in [DT_FLOAT]\n  device=\'GPU\'; T in [DT_BFLOAT16]\n  device=\'GPU\'; T in [DT_HALF]\n\n\t [[ExtractImagePatches]] [Op:__inference_<lambda>_34]'),  # extract_patches on function/onednn
    ),
    'rank': (
        ('ValueError', 'Shape must be rank 1 but is rank 0 for \'{{node BiasAdd}} = BiasAdd[T=DT_FLOAT, data_format="NHWC"](feeds, feeds_1)\' with input shapes: [1,4,4,3], [].'),  # bias_add on xla/eigen
        ('ValueError', 'Shape (1, 6, 2) must have rank 4'),  # separable_conv2d on eager/eigen
        ('InvalidArgumentError', '{{function_node __wrapped__Conv3D_device_/job:localhost/replica:0/task:0/device:CPU:0}} input must be 5-dimensional [Op:Conv3D] name: '),  # conv3d on eager/eigen
        ('InvalidArgumentError', '{{function_node __wrapped__Conv3DBackpropInputV2_device_/job:localhost/replica:0/task:0/device:CPU:0}} out_backprop tensor must have 5 dimensions [Op:Conv3DBackpropInputV2]'),  # conv3d_transpose on eager/eigen
        ('InvalidArgumentError', '{{function_node __wrapped__Conv2DBackpropInput_device_/job:localhost/replica:0/task:0/device:CPU:0}} input_sizes must be 4-dimensional, got: 3 [Op:Conv2DBackpropInput]'),  # conv2d_transpose on eager/eigen
        ('InvalidArgumentError', '{{function_node __wrapped__MaxPool_device_/job:localhost/replica:0/task:0/device:CPU:0}} tensor_in_shape must have 2 spatial dimensions. 3 0 [Op:MaxPool] name: '),  # max_pool2d on eager/eigen
        ('InvalidArgumentError', '{{function_node __wrapped__BiasAdd_device_/job:localhost/replica:0/task:0/device:CPU:0}} Biases must be 1D: [] [Op:BiasAdd] name: '),  # bias_add on eager/eigen
        ('InvalidArgumentError', '{{function_node __wrapped__BiasAdd_device_/job:localhost/replica:0/task:0/device:CPU:0}} Input tensor must be at least 2D: [] [Op:BiasAdd] name: '),  # bias_add on eager/eigen
        ('InvalidArgumentError', '{{function_node __wrapped__MaxPool_device_/job:localhost/replica:0/task:0/device:CPU:0}} Input must be 4 or 5-dimensional [Op:MaxPool] name: '),  # max_pool2d on eager/onednn
        ('ValueError', '`input.shape.rank` must be 3, 4 or 5. Received: input.shape=(4, 3) of rank 2.'),  # max_pool on eager/eigen
        ('ValueError', '`num_spatial_dims` must be 1, 2, or 3. Received: num_spatial_dims=4.'),  # convolution on eager/eigen
        ('ValueError', 'Shape (1, 6, 2) must have rank 4'),  # separable_conv2d on function/eigen
    ),
    'bad-data-format': (
        ('InvalidArgumentError', 'Value for attr \'data_format\' of "NWHC" is not in the list of allowed values: "NHWC", "NCHW"\n\t; NodeDef: {{node AvgPool}}; Op<name=AvgPool; signature=value:T -> output:T; attr=ksize:list(int),min=4; attr=strides:list(int),min=4; attr=padding:string,allowed=["SAME", "VALID"]; attr=data_format:string,default="NHWC",allowed=["NHWC", "NCHW"]; attr=T:type,allowed=[DT_HALF, DT_BFLOAT16, DT_FLOAT, DT_DOUBLE]> [Op:AvgPool] name: '),  # avg_pool2d on eager/eigen
        ('ValueError', 'Attr \'data_format\' of \'Conv2D\' Op passed string \'NWHC\' not in: "NHWC", "NCHW".'),  # conv2d on function/eigen
        ('ValueError', "`data_format` must be 'NWC' or 'NCW'. Received: data_format=WNC"),  # conv1d on eager/eigen
        ('ValueError', '`data_format` must be of the form `N...C` or `NC...`. Received: data_format=N'),  # bias_add on eager/eigen
        ('ValueError', "`data_format` must be 'NWC' or 'NCW'. Received: data_format=WNC"),  # conv1d on xla/onednn
    ),
    'not-integers': (
        ('TypeError', "Expected int for argument 'ksize' not 'a'."),  # max_pool2d on eager/eigen
        ('InvalidArgumentError', "Value for attr 'Tpaddings' of float is not in the list of allowed values: int32, int64\n\t; NodeDef: {{node SpaceToBatchND}}; Op<name=SpaceToBatchND; signature=input:T, block_shape:Tblock_shape, paddings:Tpaddings -> output:T; attr=T:type; attr=Tblock_shape:type,default=DT_INT32,allowed=[DT_INT32, DT_INT64]; attr=Tpaddings:type,default=DT_INT32,allowed=[DT_INT32, DT_INT64]> [Op:SpaceToBatchND]"),  # atrous_conv2d_transpose on eager/eigen
        ('TypeError', "Value passed to parameter 'paddings' has DataType float32 not in list of allowed values: int32, int64"),  # atrous_conv2d_transpose on function/eigen
        ('TypeError', "Expected int for argument 'ksize' not 'a'."),  # max_pool2d on xla/eigen
    ),
    'strides-length': (
        ('ValueError', 'strides should be of length 1, 2 or 4. Received: strides=[] of length 0'),  # conv2d on eager/eigen
        ('ValueError', '`len(strides)` should be 2. Received: strides=[] of length 0'),  # pool on eager/eigen
        ('InvalidArgumentError', '{{function_node __wrapped__Conv3D_device_/job:localhost/replica:0/task:0/device:CPU:0}} Sliding window strides field must specify 5 dimensions [Op:Conv3D] name: '),  # conv3d on eager/eigen
        ('ValueError', 'Conv3D requires the stride attribute to contain 5 values, but got: 6 for \'{{node Conv3D}} = Conv3D[T=DT_FLOAT, data_format="NDHWC", dilations=[1, 1, 1, 1, 1], padding="SAME", strides=[1, 2, 2, 2, 1, 1]](feeds, feeds_1)\' with input shapes: [1,4,4,4,3], [2,2,2,3,2].'),  # conv3d on function/eigen
        ('ValueError', "Attr 'strides' of 'Conv3D' Op passed list of length 1 less than minimum 5."),  # conv3d on function/eigen
        ('InvalidArgumentError', 'Length for attr \'strides\' of 1 must be at least minimum 5\n\t; NodeDef: {{node Conv3D}}; Op<name=Conv3D; signature=input:T, filter:T -> output:T; attr=T:type,allowed=[DT_HALF, DT_BFLOAT16, DT_FLOAT, DT_DOUBLE]; attr=strides:list(int),min=5; attr=padding:string,allowed=["SAME", "VALID"]; attr=data_format:string,default="NDHWC",allowed=["NDHWC", "NCDHW"]; attr=dilations:list(int),default=[1, 1, 1, 1, 1]> [Op:Conv3D] name: '),  # conv3d on eager/eigen
        ('TypeError', "Expected list for 'strides' argument to 'conv3d' Op, not 2."),  # conv3d on eager/eigen
        ('TypeError', "Expected list for 'strides' argument to 'conv3d' Op, not 2."),  # conv3d on xla/eigen
        ('InvalidArgumentError', '{{function_node __wrapped__Dilation2D_device_/job:localhost/replica:0/task:0/device:CPU:0}} Sliding window stride field must specify 4 dimensions [Op:Dilation2D] name: '),  # dilation2d on eager/eigen
        ('ValueError', 'Dilation2D requires the stride attribute to contain 4 values, but got: 5 for \'{{node Dilation2D}} = Dilation2D[T=DT_FLOAT, padding="SAME", rates=[1, 1, 1, 1], strides=[1, 1, 1, 1, 1]](a, b)\' with input shapes: [1,5,6,3], [2,2,3].'),  # dilation2d on function/eigen
    ),
    'dilations-length': (
        ('ValueError', 'dilations should be of length 1, 2 or 4. Received: dilations=[] of length 0'),  # conv2d on eager/eigen
        ('ValueError', '`len(dilation_rate)` should be 2. Received: dilation_rate=[] of length 0'),  # pool on eager/eigen
        ('ValueError', '`dilation_rate.shape.rank` must be 1. Received: dilation_rate=2 of rank 0'),  # separable_conv2d on eager/eigen
        ('InvalidArgumentError', '{{function_node __wrapped__Conv3D_device_/job:localhost/replica:0/task:0/device:CPU:0}} Dilation rates field must specify 5 dimensions [Op:Conv3D] name: '),  # conv3d on eager/eigen
        ('ValueError', 'Conv3D requires the dilation attribute to contain 5 values, but got: 1 for \'{{node Conv3D}} = Conv3D[T=DT_FLOAT, data_format="NDHWC", dilations=[2], padding="SAME", strides=[1, 1, 1, 1, 1]](feeds, feeds_1)\' with input shapes: [1,4,4,4,3], [2,2,2,3,2].'),  # conv3d on function/eigen
        ('TypeError', "Expected list for 'dilations' argument to 'conv3d' Op, not 2."),  # conv3d on eager/eigen
        ('TypeError', "Expected list for 'dilations' argument to 'conv3d' Op, not 2."),  # conv3d on xla/eigen
        ('InvalidArgumentError', '{{function_node __wrapped__Dilation2D_device_/job:localhost/replica:0/task:0/device:CPU:0}} Input stride (atrous rate) field must specify 4 dimensions [Op:Dilation2D] name: '),  # dilation2d on eager/eigen
        ('ValueError', 'Dilation2D requires the rates attribute to contain 4 values, but got: 5 for \'{{node Dilation2D}} = Dilation2D[T=DT_FLOAT, padding="SAME", rates=[1, 1, 1, 1, 1], strides=[1, 1, 1, 1]](a, b)\' with input shapes: [1,5,6,3], [2,2,3].'),  # dilation2d on xla/eigen
        ('TypeError', "Expected list for 'rates' argument to 'dilation2d' Op, not 2."),  # dilation2d on eager/onednn
        ('InvalidArgumentError', 'Length for attr \'rates\' of 3 must be at least minimum 4\n\t; NodeDef: {{node Dilation2D}}; Op<name=Dilation2D; signature=input:T, filter:T -> output:T; attr=T:type,allowed=[DT_FLOAT, DT_DOUBLE, DT_INT32, DT_UINT8, DT_INT16, DT_INT8, DT_INT64, DT_BFLOAT16, DT_UINT16, DT_HALF, DT_UINT32, DT_UINT64]; attr=strides:list(int),min=4; attr=rates:list(int),min=4; attr=padding:string,allowed=["SAME", "VALID"]> [Op:Dilation2D] name: '),  # dilation2d on eager/eigen
        ('ValueError', "Attr 'rates' of 'ExtractImagePatches' Op passed list of length 3 less than minimum 4."),  # extract_patches on function/eigen
    ),
    'ksize-length': (
        ('ValueError', 'ksize should be of length 1, 2 or 4. Received: ksize=[] of length 0'),  # max_pool2d on eager/eigen
        ('ValueError', 'ksize should be of length 1, 2 or 4. Received: ksize=[] of length 0'),  # max_pool2d on function/eigen
        ('ValueError', 'ksize should be of length 1, 2 or 4. Received: ksize=[] of length 0'),  # max_pool2d on xla/eigen
        ('InvalidArgumentError', 'Length for attr \'ksizes\' of 3 must be at least minimum 4\n\t; NodeDef: {{node ExtractImagePatches}}; Op<name=ExtractImagePatches; signature=images:T -> patches:T; attr=ksizes:list(int),min=4; attr=strides:list(int),min=4; attr=rates:list(int),min=4; attr=T:type,allowed=[DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE, DT_INT8, DT_INT16, DT_INT32, DT_INT64, DT_UINT8, DT_UINT16, DT_UINT32, DT_UINT64, DT_COMPLEX64, DT_COMPLEX128, DT_BOOL]; attr=padding:string,allowed=["SAME", "VALID"]> [Op:ExtractImagePatches] name: '),  # extract_patches on eager/eigen
        ('ValueError', "Attr 'ksizes' of 'ExtractImagePatches' Op passed list of length 3 less than minimum 4."),  # extract_patches on function/onednn
        ('TypeError', "Expected list for 'ksizes' argument to 'extract_image_patches' Op, not 2."),  # extract_patches on xla/eigen
        ('ValueError', 'ExtractImagePatches requires the ksizes attribute to contain 4 values, but got: 5 for \'{{node ExtractImagePatches}} = ExtractImagePatches[T=DT_FLOAT, ksizes=[1, 2, 2, 1, 1], padding="VALID", rates=[1, 1, 1, 1], strides=[1, 1, 1, 1]](a)\' with input shapes: [1,5,6,3].'),  # extract_patches on function/eigen
    ),
    'strides-batch-channel': (
        ('UnimplementedError', '{{function_node __wrapped__Conv2D_device_/job:localhost/replica:0/task:0/device:CPU:0}} Current implementation does not yet support strides in the batch and depth dimensions. [Op:Conv2D] name: '),  # conv1d on eager/eigen
        ('UnimplementedError', '{{function_node __wrapped__AvgPool_device_/job:localhost/replica:0/task:0/device:CPU:0}} Pooling is not yet supported on the batch dimension. [Op:AvgPool] name: '),  # avg_pool2d on eager/eigen
        ('UnimplementedError', 'Graph execution error:\n\nDetected at node AvgPool2D defined at (most recent call last):\n  File "<frozen runpy>", line 198, in _run_module_as_main\n\n  File "<frozen runpy>", line 88, in _run_code\n\n  File "/work/main/harness/worker.py", line 153, in <module>\n\n  File "/work/main/harness/worker.py", line 147, in main\n\n  File "/work/main/harness/worker.py", line 122, in run\n\n  File "/work/main/harness/worker.py", line 69, in program\n\n  File "/work/main/harness/worker.py", line 58, in forward\n\nPooling is not yet supported on the batch dimension.\n\t [[{{node AvgPool2D}}]] [Op:__inference_program_1071]'),  # avg_pool2d on function/eigen
        ('UnimplementedError', 'Current implementation does not yet support strides in the batch and depth dimensions.\n\t [[{{node conv1d}}]]\n\ttf2xla conversion failed while converting __inference_program_959[_XlaMustCompile=true,config_proto=13561319589895757934,executor_type=11160318154034397263]. Run with TF_DUMP_GRAPH_PREFIX=/path/to/dump/dir and --vmodule=xla_compiler=2 to obtain a dump of the compiled functions. [Op:__inference_program_959]'),  # conv1d on xla/eigen
        ('UnimplementedError', '{{function_node __wrapped__Dilation2D_device_/job:localhost/replica:0/task:0/device:CPU:0}} Stride is only supported across spatial dimensions. [Op:Dilation2D] name: '),  # dilation2d on eager/eigen
        ('UnimplementedError', '{{function_node __inference_<lambda>_46}} Stride is only supported across spatial dimensions.\n\t [[{{node Dilation2D}}]] [Op:__inference_<lambda>_46]'),  # dilation2d on function/onednn
        ('UnimplementedError', '{{function_node __wrapped__ExtractImagePatches_device_/job:localhost/replica:0/task:0/device:CPU:0}} Only support strides across space. [Op:ExtractImagePatches] name: '),  # extract_patches on eager/eigen
    ),
    'dilations-batch-channel': (
        ('UnimplementedError', '{{function_node __wrapped__Conv2D_device_/job:localhost/replica:0/task:0/device:CPU:0}} Current implementation does not yet support dilations in the batch and depth dimensions. [Op:Conv2D] name: '),  # conv1d on eager/eigen
        ('UnimplementedError', 'Graph execution error:\n\nDetected at node conv1d defined at (most recent call last):\n  File "<frozen runpy>", line 198, in _run_module_as_main\n\n  File "<frozen runpy>", line 88, in _run_code\n\n  File "/work/main/harness/worker.py", line 153, in <module>\n\n  File "/work/main/harness/worker.py", line 147, in main\n\n  File "/work/main/harness/worker.py", line 122, in run\n\n  File "/work/main/harness/worker.py", line 69, in program\n\n  File "/work/main/harness/worker.py", line 58, in forward\n\nCurrent implementation does not yet support dilations in the batch and depth dimensions.\n\t [[{{node conv1d}}]] [Op:__inference_program_966]'),  # conv1d on function/eigen
        ('UnimplementedError', 'Current implementation does not support dilations in the batch and depth dimensions.\n\t [[{{node conv1d}}]]\n\ttf2xla conversion failed while converting __inference_program_972[_XlaMustCompile=true,config_proto=13561319589895757934,executor_type=11160318154034397263]. Run with TF_DUMP_GRAPH_PREFIX=/path/to/dump/dir and --vmodule=xla_compiler=2 to obtain a dump of the compiled functions. [Op:__inference_program_972]'),  # conv1d on xla/eigen
        ('UnimplementedError', '{{function_node __wrapped__Dilation2D_device_/job:localhost/replica:0/task:0/device:CPU:0}} Rate is only supported across spatial dimensions. [Op:Dilation2D] name: '),  # dilation2d on eager/onednn
        ('UnimplementedError', '{{function_node __inference_<lambda>_64}} Rate is only supported across spatial dimensions.\n\t [[{{node Dilation2D}}]] [Op:__inference_<lambda>_64]'),  # dilation2d on function/eigen
        ('UnimplementedError', '{{function_node __wrapped__ExtractImagePatches_device_/job:localhost/replica:0/task:0/device:CPU:0}} Only support rates across space. [Op:ExtractImagePatches] name: '),  # extract_patches on eager/eigen
    ),
    'ksize-batch-channel': (
        ('UnimplementedError', '{{function_node __wrapped__MaxPool_device_/job:localhost/replica:0/task:0/device:CPU:0}} Pooling is not yet supported on the batch dimension. [Op:MaxPool] name: '),  # max_pool2d on eager/eigen
        ('UnimplementedError', 'Graph execution error:\n\nDetected at node MaxPool2d defined at (most recent call last):\n  File "<frozen runpy>", line 198, in _run_module_as_main\n\n  File "<frozen runpy>", line 88, in _run_code\n\n  File "/work/main/harness/worker.py", line 153, in <module>\n\n  File "/work/main/harness/worker.py", line 147, in main\n\n  File "/work/main/harness/worker.py", line 122, in run\n\n  File "/work/main/harness/worker.py", line 69, in program\n\n  File "/work/main/harness/worker.py", line 58, in forward\n\nPooling is not yet supported on the batch dimension.\n\t [[{{node MaxPool2d}}]] [Op:__inference_program_1065]'),  # max_pool2d on function/eigen
        ('UnimplementedError', '{{function_node __wrapped__ExtractImagePatches_device_/job:localhost/replica:0/task:0/device:CPU:0}} Only support ksizes across space. [Op:ExtractImagePatches] name: '),  # extract_patches on eager/eigen
        ('UnimplementedError', 'Current implementation does not yet support kernel sizes > 1 in the batch and depth dimensions.\n\t [[{{node ExtractImagePatches}}]]\n\ttf2xla conversion failed while converting __inference_<lambda>_135[_XlaMustCompile=true,config_proto=13561319589895757934,executor_type=11160318154034397263]. Run with TF_DUMP_GRAPH_PREFIX=/path/to/dump/dir and --vmodule=xla_compiler=2 to obtain a dump of the compiled functions. [Op:__inference_<lambda>_135]'),  # extract_patches on xla/eigen
        ('UnimplementedError', '{{function_node __wrapped__AvgPool_device_/job:localhost/replica:0/task:0/device:CPU:0}} Non-spatial pooling is not yet supported. Volunteers? :) [Op:AvgPool] name: '),  # avg_pool2d on eager/eigen
        ('UnimplementedError', '{{function_node __inference_<lambda>_210}} Non-spatial pooling is not yet supported. Volunteers? :)\n\t [[{{node AvgPool2D}}]] [Op:__inference_<lambda>_210]'),  # avg_pool2d on function/eigen
    ),
    'strides-not-positive': (
        ('InvalidArgumentError', '{{function_node __wrapped__MaxPool_device_/job:localhost/replica:0/task:0/device:CPU:0}} Stride must be > 0, but got 0 [Op:MaxPool] name: '),  # max_pool2d on eager/eigen
        ('InvalidArgumentError', '{{function_node __wrapped__Conv3D_device_/job:localhost/replica:0/task:0/device:CPU:0}} Spatial strides should be larger than 0. [Op:Conv3D] name: '),  # conv3d on eager/eigen
        ('ValueError', 'all values of `strides` must be positive. Received: strides=[0 1]'),  # pool on eager/eigen
        ('ValueError', 'all values of `strides` must be positive. Received: strides=[0 1]'),  # pool on function/eigen
        ('ValueError', 'all values of `strides` must be positive. Received: strides=[0 1]'),  # pool on xla/eigen
        ('OutOfRangeError', '{{function_node __wrapped__ExtractImagePatches_device_/job:localhost/replica:0/task:0/device:CPU:0}} strides is out of range. [Op:ExtractImagePatches] name: '),  # extract_patches on eager/eigen
    ),
    'dilations-not-positive': (
        ('InvalidArgumentError', '{{function_node __wrapped__Conv2D_device_/job:localhost/replica:0/task:0/device:CPU:0}} Dilated rates should be larger than 0. [Op:Conv2D] name: '),  # conv2d on eager/eigen
        ('ValueError', 'Dilation rate must be >= 1, but got 0 for \'{{node Conv2D}} = Conv2D[T=DT_FLOAT, data_format="NHWC", dilations=[1, 0, 0, 1], explicit_paddings=[], padding="SAME", strides=[1, 1, 1, 1], use_cudnn_on_gpu=true](feeds, feeds_1)\' with input shapes: [1,4,4,3], [2,2,3,2].'),  # conv2d on function/eigen
        ('UnimplementedError', 'Dilation values must be positive; 0th spatial dimension had dilation 0\n\t [[{{node conv2d_transpose}}]]\n\ttf2xla conversion failed while converting __inference_program_1391[_XlaMustCompile=true,config_proto=13561319589895757934,executor_type=11160318154034397263]. Run with TF_DUMP_GRAPH_PREFIX=/path/to/dump/dir and --vmodule=xla_compiler=2 to obtain a dump of the compiled functions. [Op:__inference_program_1391]'),  # conv2d_transpose on xla/eigen
        ('ValueError', '`dilation_rate` must be positive. Received: dilation_rate=[0 1]'),  # depthwise_conv2d on eager/eigen
        ('ValueError', '`rate` cannot be less than one. Received: rate=0'),  # atrous_conv2d_transpose on eager/eigen
        ('OutOfRangeError', '{{function_node __wrapped__ExtractImagePatches_device_/job:localhost/replica:0/task:0/device:CPU:0}} rates is out of range. [Op:ExtractImagePatches] name: '),  # extract_patches on eager/eigen
        ('OutOfRangeError', '{{function_node __inference_<lambda>_14}} rates is out of range.\n\t [[{{node ExtractImagePatches}}]] [Op:__inference_<lambda>_14]'),  # extract_patches on function/eigen
    ),
    'ksize-not-positive': (
        ('InvalidArgumentError', '{{function_node __wrapped__MaxPool_device_/job:localhost/replica:0/task:0/device:CPU:0}} Sliding window ksize must be positive. The specified or inferred ksize is: 1,0,0,1 [Op:MaxPool] name: '),  # max_pool2d on eager/eigen
        ('InvalidArgumentError', '{{function_node __wrapped__AvgPool_device_/job:localhost/replica:0/task:0/device:CPU:0}} ksize must be a positive int32 value, got:0 [Op:AvgPool] name: '),  # avg_pool2d on eager/eigen
        ('InvalidArgumentError', 'Sliding window ksize field for dimension 2 must be positive but is 0\n\nStack trace for op definition: \nFile "<frozen runpy>", line 198, in _run_module_as_main\nFile "<frozen runpy>", line 88, in _run_code\nFile "/work/main/harness/worker.py", line 189, in <module>\nFile "/work/main/harness/worker.py", line 183, in main\nFile "/work/main/harness/worker.py", line 157, in run\nFile "/work/main/harness/worker.py", line 104, in program\nFile "/work/main/harness/worker.py", line 93, in forward\n\n\t [[{{node MaxPool1d}}]]\n\ttf2xla conversion failed while converting __inference_program_62[_XlaMustCompile=true,config_proto=13561319589895757934,executor_type=11160318154034397263]. Run with TF_DUMP_GRAPH_PREFIX=/path/to/dump/dir and --vmodule=xla_compiler=2 to obtain a dump of the compiled functions. [Op:__inference_program_62]'),  # max_pool on xla/eigen
        ('InvalidArgumentError', 'TF to XLA legalization failed: <unknown>:0: error: loc(fused["AvgPool3D:", "AvgPool3D"]): expects window to have positive value for 2-th window dimension, but got 0.\n\n\tFailure to legalize AvgPool3D using MlirXlaOpKernel in the tf2xla bridge.\n\nStack trace for op definition: \nFile "<frozen runpy>", line 198, in _run_module_as_main\nFile "<frozen runpy>", line 88, in _run_code\nFile "/work/main/harness/worker.py", line 189, in <module>\nFile "/work/main/harness/worker.py", line 183, in main\nFile "/work/main/harness/worker.py", line 157, in run\nFile "/work/main/harness/worker.py", line 104, in program\nFile "/work/main/harness/worker.py", line 93, in forward\n\n\t [[{{node AvgPool3D}}]]\n\ttf2xla conversion failed while converting __inference_program_60[_XlaMustCompile=true,config_proto=13561319589895757934,executor_type=11160318154034397263]. Run with TF_DUMP_GRAPH_PREFIX=/path/to/dump/dir and --vmodule=xla_compiler=2 to obtain a dump of the compiled functions. [Op:__inference_program_60]'),  # avg_pool3d on xla/eigen
        ('InvalidArgumentError', '{{function_node __wrapped__MaxPool3D_device_/job:localhost/replica:0/task:0/device:CPU:0}} Sliding window ksize field must have non-negative dimensions [Op:MaxPool3D] name: '),  # max_pool3d on eager/eigen
        ('ValueError', 'ksize must be a positive int32 value, got:0 for \'{{node MaxPoolWithArgmax}} = MaxPoolWithArgmax[T=DT_HALF, Targmax=DT_INT64, include_batch_in_index=true, ksize=[1, 2, 0, 1], padding="SAME", strides=[1, 1, 2, 1]](feeds)\' with input shapes: [2,5,2,2].'),  # max_pool_with_argmax on function/onednn
        ('OutOfRangeError', '{{function_node __wrapped__ExtractImagePatches_device_/job:localhost/replica:0/task:0/device:CPU:0}} ksizes is out of range. [Op:ExtractImagePatches] name: '),  # extract_patches on eager/eigen
        ('OutOfRangeError', '{{function_node __inference_<lambda>_168}} ksizes is out of range.\n\t [[{{node ExtractImagePatches}}]] [Op:__inference_<lambda>_168]'),  # extract_patches on function/onednn
        ('ValueError', 'Negative dimension size caused by overflow when multiplying 3 and -2 for \'{{node ExtractImagePatches}} = ExtractImagePatches[T=DT_FLOAT, ksizes=[1, -1, 2, 1], padding="VALID", rates=[1, 1, 1, 1], strides=[1, 1, 1, 1]](a)\' with input shapes: [1,5,6,3].'),  # extract_patches on function/eigen
    ),
    'strides-with-dilations': (
        ('ValueError', '`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=[2] and dilation_rate=[2]'),  # convolution on eager/eigen
        ('ValueError', '`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=[2] and dilation_rate=[2]'),  # convolution on function/onednn
        ('ValueError', '`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=[2] and dilation_rate=[2]'),  # convolution on xla/eigen
    ),
    'bad-padding': (
        ('InvalidArgumentError', 'Value for attr \'padding\' of "same" is not in the list of allowed values: "SAME", "VALID"\n\t; NodeDef: {{node AvgPool}}; Op<name=AvgPool; signature=value:T -> output:T; attr=ksize:list(int),min=4; attr=strides:list(int),min=4; attr=padding:string,allowed=["SAME", "VALID"]; attr=data_format:string,default="NHWC",allowed=["NHWC", "NCHW"]; attr=T:type,allowed=[DT_HALF, DT_BFLOAT16, DT_FLOAT, DT_DOUBLE]> [Op:AvgPool] name: '),  # avg_pool2d on eager/eigen
        ('ValueError', 'Attr \'padding\' of \'Conv3D\' Op passed string \'\' not in: "SAME", "VALID".'),  # conv3d on xla/eigen
        ('ValueError', "`padding` must be one of 'SAME' or 'VALID'. Received: padding="),  # atrous_conv2d on eager/eigen
        ('ValueError', "'EXPLICIT' is not a valid value for `padding`. To use explicit padding, `padding` must be a list."),  # conv2d on eager/eigen
        ('TypeError', "Expected string for argument 'padding' not 1."),  # conv2d on eager/eigen
        ('InvalidArgumentError', '{{function_node __wrapped__Conv2D_device_/job:localhost/replica:0/task:0/device:CPU:0}} explicit_paddings attribute must contain 8 values, but got: 0 [Op:Conv2D] name: '),  # conv1d on eager/eigen
        ('TypeError', "Expected string for argument 'padding' not 1."),  # conv2d on function/eigen
    ),
    'explicit-padding-unsupported': (
        ('TypeError', "Expected string for argument 'padding' not [[0, 0], [1, 1], [0, 0]]."),  # conv1d on eager/eigen
        ('ValueError', 'Explicit padding is not supported with an input tensor of rank 5. Received: padding=[[0, 0], [2, 0], [1, 0], [1, 1], [0, 0]]'),  # max_pool on eager/eigen
        ('ValueError', "`padding` must be either 'VALID' or 'SAME'. Received: padding=[[0, 0], [1, 1], [1, 1], [0, 0]]"),  # atrous_conv2d_transpose on eager/eigen
        ('TypeError', "Expected string for argument 'padding' not [[0, 0], [1, 1], [0, 0]]."),  # conv1d on function/eigen
        ('TypeError', "Expected string for argument 'padding' not [[0, 0], [1, 1], [0, 0]]."),  # conv1d on xla/eigen
    ),
    'explicit-padding-length': (
        ('ValueError', 'When padding is a list, it must be of size 4. Received: padding=[[1, 1], [1, 1]] of size 2'),  # conv2d on eager/eigen
        ('ValueError', "When `padding` is a list, each element of `padding` must be a list/tuple of size 2. Received: padding=[1, 2] with element at index 0 of type <class 'int'>"),  # conv2d on eager/eigen
        ('ValueError', 'When padding is a list, it must be of size 4. Received: padding=[[1, 1], [1, 1]] of size 2'),  # conv2d on function/eigen
        ('ValueError', 'When padding is a list, it must be of size 4. Received: padding=[[1, 1], [1, 1]] of size 2'),  # conv2d on xla/eigen
    ),
    'explicit-padding-batch-channel': (
        ('InvalidArgumentError', '{{function_node __wrapped__Conv2D_device_/job:localhost/replica:0/task:0/device:CPU:0}} Nonzero explicit padding in the batch or depth dimensions is not supported [Op:Conv2D] name: '),  # conv2d on eager/eigen
        ('ValueError', 'Nonzero explicit padding in the batch or depth dimensions is not supported for \'{{node MaxPool2d}} = MaxPool[T=DT_FLOAT, data_format="NHWC", explicit_paddings=[1, 0, 0, 0, 0, 0, 0, 0], ksize=[1, 2, 2, 1], padding="EXPLICIT", strides=[1, 1, 1, 1]](feeds)\' with input shapes: [1,4,4,3].'),  # max_pool2d on function/eigen
        ('ValueError', 'Nonzero explicit padding in the batch or depth dimensions is not supported for \'{{node MaxPool2d}} = MaxPool[T=DT_FLOAT, data_format="NHWC", explicit_paddings=[1, 0, 0, 0, 0, 0, 0, 0], ksize=[1, 2, 2, 1], padding="EXPLICIT", strides=[1, 1, 1, 1]](feeds)\' with input shapes: [1,4,4,3].'),  # max_pool2d on xla/eigen
    ),
    'explicit-padding-negative': (
        ('InvalidArgumentError', '{{function_node __wrapped__Conv2D_device_/job:localhost/replica:0/task:0/device:CPU:0}} All elements of explicit_paddings must be nonnegative [Op:Conv2D] name: '),  # conv2d on eager/eigen
        ('ValueError', 'All elements of explicit_paddings must be nonnegative for \'{{node MaxPool2d}} = MaxPool[T=DT_FLOAT, data_format="NHWC", explicit_paddings=[0, 0, -1, 0, 0, 0, 0, 0], ksize=[1, 2, 2, 1], padding="EXPLICIT", strides=[1, 1, 1, 1]](feeds)\' with input shapes: [1,4,4,3].'),  # max_pool2d on function/eigen
        ('ValueError', 'All elements of explicit_paddings must be nonnegative for \'{{node MaxPool2d}} = MaxPool[T=DT_FLOAT, data_format="NHWC", explicit_paddings=[0, 0, -1, 0, 0, 0, 0, 0], ksize=[1, 2, 2, 1], padding="EXPLICIT", strides=[1, 1, 1, 1]](feeds)\' with input shapes: [1,4,4,3].'),  # max_pool2d on xla/eigen
        ('InvalidArgumentError', '{{function_node __wrapped__SpaceToBatchND_device_/job:localhost/replica:0/task:0/device:CPU:0}} Paddings must be non-negative [Op:SpaceToBatchND] name: '),  # dilation2d on eager/eigen
        ('ValueError', "paddings cannot be negative for '{{node convolution/SpaceToBatchND}} = SpaceToBatchND[T=DT_FLOAT, Tblock_shape=DT_INT32, Tpaddings=DT_INT32](a, convolution/SpaceToBatchND/block_shape, convolution/SpaceToBatchND/paddings)' with input shapes: [1,5,6,3], [2], [2,2] and with computed input tensors: input[1] = <2 2>, input[2] = <[-1 2][2 0]>."),  # dilation2d on function/eigen
        ('ValueError', "paddings cannot be negative for '{{node convolution/SpaceToBatchND}} = SpaceToBatchND[T=DT_FLOAT, Tblock_shape=DT_INT32, Tpaddings=DT_INT32](a, convolution/SpaceToBatchND/block_shape, convolution/SpaceToBatchND/paddings)' with input shapes: [1,5,6,3], [2], [2,2] and with computed input tensors: input[1] = <2 2>, input[2] = <[-1 2][2 0]>."),  # dilation2d on xla/onednn
        ('InvalidArgumentError', '{{function_node __wrapped__SpaceToBatchND_device_/job:localhost/replica:0/task:0/device:CPU:0}} Paddings must be non-negative [Op:SpaceToBatchND] name: '),  # from a window-zero configuration: space_to_batch's paddings of an empty window
        ('ValueError', "paddings cannot be negative for '{{node depthwise/SpaceToBatchND}} = SpaceToBatchND[T=DT_HALF, Tblock_shape=DT_INT32, Tpaddings=DT_INT32](feeds, depthwise/SpaceToBatchND/block_shape, depthwise/SpaceToBatchND/paddings)' with input shapes: [3,2,8,4], [2], [2,2] and with computed input tensors: input[1] = <1 3>, input[2] = <[-1 0][4 6]>."),  # from a window-zero configuration: space_to_batch's paddings of an empty window
    ),
    'pool-padding-too-large': (
        ('InvalidArgumentError', '{{function_node __wrapped__MaxPool_device_/job:localhost/replica:0/task:0/device:CPU:0}} Top padding 2 needs to be smaller than the window size 2 [Op:MaxPool] name: '),  # max_pool2d on eager/eigen
        ('InvalidArgumentError', 'Graph execution error:\n\nDetected at node MaxPool2d defined at (most recent call last):\n  File "<frozen runpy>", line 198, in _run_module_as_main\n\n  File "<frozen runpy>", line 88, in _run_code\n\n  File "/work/main/harness/worker.py", line 153, in <module>\n\n  File "/work/main/harness/worker.py", line 147, in main\n\n  File "/work/main/harness/worker.py", line 122, in run\n\n  File "/work/main/harness/worker.py", line 69, in program\n\n  File "/work/main/harness/worker.py", line 58, in forward\n\nTop padding 2 needs to be smaller than the window size 2\n\t [[{{node MaxPool2d}}]] [Op:__inference_program_1048]'),  # max_pool2d on function/eigen
    ),
    'negative-output-size': (
        ('InvalidArgumentError', '{{function_node __wrapped__Conv2D_device_/job:localhost/replica:0/task:0/device:CPU:0}} Computed output size would be negative: -1 [input_size: 1, effective_filter_size: 3, stride: 1] [Op:Conv2D]'),  # convolution on eager/eigen
        ('ValueError', 'Negative dimension size caused by subtracting 6 from 3 for \'{{node AvgPool}} = AvgPool[T=DT_HALF, data_format="NCHW", ksize=[1, 1, 6, 1], padding="VALID", strides=[1, 1, 1, 1]](feeds)\' with input shapes: [2,2,3,4].'),  # avg_pool on function/onednn
        ('InvalidArgumentError', '{{function_node __wrapped__BatchToSpaceND_device_/job:localhost/replica:0/task:0/device:CPU:0}} cropped_shape[0]=-2 must be non-negative [Op:BatchToSpaceND] name: '),  # atrous_conv2d on eager/eigen
        ('ValueError', 'Negative dimension size caused by subtracting 6 from 3 for \'{{node AvgPool}} = AvgPool[T=DT_HALF, data_format="NCHW", ksize=[1, 1, 6, 1], padding="VALID", strides=[1, 1, 1, 1]](feeds)\' with input shapes: [2,2,3,4].'),  # avg_pool on xla/eigen
    ),
    'window-zero': (
        ('InvalidArgumentError', 'Window dimensions {\n  stride: 1\n  window_dilation: 1\n  base_dilation: 1\n}\ndimensions {\n  size: 1\n  stride: 1\n  window_dilation: 1\n  base_dilation: 1\n}\n has a non-positive dimension.\n\t [[{{node Conv2D}}]]\n\ttf2xla conversion failed while converting __inference_program_8[_XlaMustCompile=true,config_proto=13561319589895757934,executor_type=11160318154034397263]. Run with TF_DUMP_GRAPH_PREFIX=/path/to/dump/dir and --vmodule=xla_compiler=2 to obtain a dump of the compiled functions. [Op:__inference_program_8]'),  # conv2d on xla/eigen, TF 2.19.0
        ('InvalidArgumentError', '{{function_node __wrapped__Conv2D_device_/job:localhost/replica:0/task:0/device:CPU:0}} filter must not have zero elements (i.e. all dimensions must be non-zero) [Op:Conv2D]'),  # atrous_conv2d on eager/eigen
        ('InvalidArgumentError', 'Window goo.gle/debugstr    \ndimensions {\n  size: 1\n  stride: 1\n  window_dilation: 1\n  base_dilation: 1\n}\ndimensions {\n  stride: 1\n  window_dilation: 1\n  base_dilation: 1\n}\n has a non-positive dimension.\n\t [[{{node conv1d}}]]\n\ttf2xla conversion failed while converting __inference_program_29[_XlaMustCompile=true,config_proto=13561319589895757934,executor_type=11160318154034397263]. Run with TF_DUMP_GRAPH_PREFIX=/path/to/dump/dir and --vmodule=xla_compiler=2 to obtain a dump of the compiled functions. [Op:__inference_program_29]'),  # conv1d on xla/eigen
        ('InvalidArgumentError', '{{function_node __wrapped__Conv3DBackpropInputV2_device_/job:localhost/replica:0/task:0/device:CPU:0}} input, filter_sizes and out_backprop tensors must all have at least 1 element [Op:Conv3DBackpropInputV2]'),  # conv3d_transpose on eager/eigen
        ('InvalidArgumentError', 'Graph execution error:\n\nDetected at node Conv2D defined at (most recent call last):\n  File "<frozen runpy>", line 198, in _run_module_as_main\n\n  File "<frozen runpy>", line 88, in _run_code\n\n  File "/work/main/harness/worker.py", line 153, in <module>\n\n  File "/work/main/harness/worker.py", line 147, in main\n\n  File "/work/main/harness/worker.py", line 122, in run\n\n  File "/work/main/harness/worker.py", line 69, in program\n\n  File "/work/main/harness/worker.py", line 58, in forward\n\nfilter must not have zero elements (i.e. all dimensions must be non-zero)\n\t [[{{node Conv2D}}]] [Op:__inference_program_390]'),  # conv2d on function/onednn
    ),
    'channel-mismatch': (
        ('InvalidArgumentError', '{{function_node __wrapped__Conv2D_device_/job:localhost/replica:0/task:0/device:CPU:0}} input depth must be evenly divisible by filter depth: 4 vs 5 [Op:Conv2D]'),  # atrous_conv2d on eager/eigen
        ('InvalidArgumentError', '{{function_node __wrapped____MklNativeConv3D_device_/job:localhost/replica:0/task:0/device:CPU:0}} input and filter must have the same depth: 4 vs 2 [Op:Conv3D] name: '),  # convolution on eager/onednn
        ('InvalidArgumentError', '{{function_node __wrapped__Conv3D_device_/job:localhost/replica:0/task:0/device:CPU:0}} Number of channels in filter (2) must match last dimension of input (4) [Op:Conv3D] name: '),  # convolution on eager/eigen
        ('ValueError', 'Depth of input (4) is not a multiple of input depth of filter (5) for \'{{node Conv3D}} = Conv3D[T=DT_HALF, data_format="NCDHW", dilations=[1, 1, 1, 2, 1], padding="SAME", strides=[1, 1, 1, 3, 2]](feeds, feeds_1)\' with input shapes: [1,4,1,1,3], [3,3,5,5,0].'),  # conv3d on function/onednn
        ('InvalidArgumentError', '{{function_node __wrapped__Conv2DBackpropInput_device_/job:localhost/replica:0/task:0/device:CPU:0}} Conv2DCustomBackpropInput: filter and out_backprop must have the same out_depth [Op:Conv2DBackpropInput]'),  # conv2d_transpose on eager/eigen
        ('InvalidArgumentError', '{{function_node __wrapped__Conv3DBackpropInputV2_device_/job:localhost/replica:0/task:0/device:CPU:0}} out_backprop and filter_sizes must have the same number of channels. Got 1 for out_backprop and 2 for filter_sizes [Op:Conv3DBackpropInputV2]'),  # conv3d_transpose on eager/eigen
        ('ValueError', '`value` channel count must be compatible with `filters` input channel count. Received: value.shape=(2, 5, 5, 2) with channel count 2 and filters.shape=(4, 2, 3, 3) with input channel count 3.'),  # atrous_conv2d_transpose on eager/eigen
        ('ValueError', 'The number of input channels is not divisible by the corresponding number of output filters. Received: input.shape=(1, 2, 4) with 2 channels and filters.shape=(2, 3, 3) with 3 output filters.'),  # convolution on eager/eigen
        ('ValueError', 'Dimensions must be equal, but are 3 and 4 for \'{{node depthwise}} = DepthwiseConv2dNative[T=DT_HALF, data_format="NCHW", dilations=[1, 1, 1, 1], explicit_paddings=[], padding="SAME", strides=[1, 1, 4, 2]](feeds, feeds_1)\' with input shapes: [3,3,5,4], [3,5,4,2].'),  # depthwise_conv2d on function/onednn
        ('ValueError', '`value` channel count must be compatible with `filters` input channel count. Received: value.shape=(2, 5, 5, 2) with channel count 2 and filters.shape=(4, 2, 3, 3) with input channel count 3.'),  # atrous_conv2d_transpose on xla/eigen
        ('ValueError', 'Dimensions must be equal, but are 3 and 2 for \'{{node Dilation2D}} = Dilation2D[T=DT_FLOAT, padding="SAME", rates=[1, 1, 1, 1], strides=[1, 1, 1, 1]](a, b)\' with input shapes: [1,5,6,3], [2,2,2].'),  # dilation2d on function/eigen
        ('InvalidArgumentError', '{{function_node __wrapped__Dilation2D_device_/job:localhost/replica:0/task:0/device:CPU:0}} input and filter must have the same depth: 3 vs 2 [Op:Dilation2D] name: '),  # dilation2d on eager/onednn
    ),
    'filter-depth-zero': (
        ('InvalidArgumentError', '{{function_node __wrapped__Conv2D_device_/job:localhost/replica:0/task:0/device:CPU:0}} filter depth must be stricly positive, got 0 [Op:Conv2D]'),  # atrous_conv2d on eager/eigen
        ('InvalidArgumentError', '{{function_node __wrapped__Conv3D_device_/job:localhost/replica:0/task:0/device:CPU:0}} filter_depth must be non-zero [Op:Conv3D] name: '),  # conv3d on eager/eigen
        ('InvalidArgumentError', '{{function_node __wrapped__Conv2DBackpropInput_device_/job:localhost/replica:0/task:0/device:CPU:0}} Conv2DCustomBackpropInput: filter depth must be strictly greated than zero [Op:Conv2DBackpropInput]'),  # atrous_conv2d_transpose on eager/eigen
        ('ValueError', 'Depth of filter must not be 0 for \'{{node Conv3D}} = Conv3D[T=DT_HALF, data_format="NDHWC", dilations=[1, 1, 2, 1, 1], padding="SAME", strides=[1, 2, 1, 1, 1]](feeds, feeds_1)\' with input shapes: [1,2,5,2,0], [1,2,3,0,4].'),  # conv3d on function/onednn
        ('InvalidArgumentError', '{{function_node __wrapped____MklNativeConv2D_device_/job:localhost/replica:0/task:0/device:CPU:0}} filter must not have zero elements (i.e. all dimensions must be non-zero) [Op:Conv2D]'),  # atrous_conv2d on eager/onednn
        ('ValueError', 'Depth of filter must not be 0 for \'{{node Conv3D}} = Conv3D[T=DT_HALF, data_format="NDHWC", dilations=[1, 1, 2, 1, 1], padding="SAME", strides=[1, 2, 1, 1, 1]](feeds, feeds_1)\' with input shapes: [1,2,5,2,0], [1,2,3,0,4].'),  # conv3d on xla/eigen
    ),
    'groups-zero': (
        ('InvalidArgumentError', '{{function_node __wrapped____MklNativeConv2D_device_/job:localhost/replica:0/task:0/device:CPU:0}} grouped convolution must have at least one group: 0 groups [Op:Conv2D]'),  # atrous_conv2d on eager/onednn
        ('ValueError', 'Number of groups must not be 0 for \'{{node Conv2D}} = Conv2D[T=DT_FLOAT, data_format="NHWC", dilations=[1, 1, 1, 1], explicit_paddings=[], padding="SAME", strides=[1, 1, 1, 1], use_cudnn_on_gpu=true](feeds, feeds_1)\' with input shapes: [1,4,4,0], [2,2,1,2].'),  # conv2d on xla/eigen
        ('ValueError', 'Number of groups must not be 0 for \'{{node Conv2D}} = Conv2D[T=DT_FLOAT, data_format="NHWC", dilations=[1, 1, 1, 1], explicit_paddings=[], padding="SAME", strides=[1, 1, 1, 1], use_cudnn_on_gpu=true](feeds, feeds_1)\' with input shapes: [1,4,4,0], [2,2,1,2].'),  # conv2d on function/eigen
    ),
    'groups-output-channels': (
        ('InvalidArgumentError', '{{function_node __wrapped__Conv2D_device_/job:localhost/replica:0/task:0/device:CPU:0}} output depth must be evenly divisible by number of groups: 5 vs 2 [Op:Conv2D] name: '),  # conv2d on eager/eigen
        ('ValueError', 'Depth of output (5) is not a multiple of the number of groups (2) for \'{{node Conv2D}} = Conv2D[T=DT_FLOAT, data_format="NHWC", dilations=[1, 1, 1, 1], explicit_paddings=[], padding="SAME", strides=[1, 1, 1, 1], use_cudnn_on_gpu=true](feeds, feeds_1)\' with input shapes: [1,4,4,4], [2,2,2,5].'),  # conv2d on xla/eigen
        ('ValueError', 'Depth of output (5) is not a multiple of the number of groups (2) for \'{{node Conv2D}} = Conv2D[T=DT_FLOAT, data_format="NHWC", dilations=[1, 1, 1, 1], explicit_paddings=[], padding="SAME", strides=[1, 1, 1, 1], use_cudnn_on_gpu=true](feeds, feeds_1)\' with input shapes: [1,4,4,4], [2,2,2,5].'),  # conv2d on function/eigen
    ),
    'pointwise-not-1x1': (
        ('ValueError', 'Dimensions 2 and 1 are not compatible'),  # separable_conv2d on eager/eigen
        ('ValueError', 'Dimensions 2 and 1 are not compatible'),  # separable_conv2d on function/eigen
        ('ValueError', 'Dimensions 2 and 1 are not compatible'),  # separable_conv2d on xla/eigen
    ),
    'bias-size': (
        ('InvalidArgumentError', '{{function_node __wrapped__BiasAdd_device_/job:localhost/replica:0/task:0/device:CPU:0}} Must provide as many biases as the last dimension of the input tensor: [2] vs. [2,3] [Op:BiasAdd] name: '),  # bias_add on eager/eigen
        ('ValueError', 'Dimensions must be equal, but are 1 and 2 for \'{{node BiasAdd}} = BiasAdd[T=DT_FLOAT, data_format="NHWC"](feeds, feeds_1)\' with input shapes: [1,1], [2].'),  # bias_add on function/onednn
        ('ValueError', 'Dimensions must be equal, but are 2 and 3 for \'{{node BiasAdd}} = BiasAdd[T=DT_HALF, data_format="NHWC"](feeds, feeds_1)\' with input shapes: [4,2,2], [3].'),  # bias_add on xla/eigen
    ),
    'output-shape-length': (
        ('InvalidArgumentError', '{{function_node __wrapped__Conv2DBackpropInput_device_/job:localhost/replica:0/task:0/device:CPU:0}} Conv2DBackpropInput requires input_sizes to contain 4 values or 2 values, but got: 3 [Op:Conv2DBackpropInput]'),  # conv2d_transpose on eager/eigen
        ('InvalidArgumentError', '{{function_node __wrapped__Conv3DBackpropInputV2_device_/job:localhost/replica:0/task:0/device:CPU:0}} input tensor must have 5 dimensions [Op:Conv3DBackpropInputV2]'),  # conv3d_transpose on eager/eigen
        ('ValueError', 'Shape must be rank 5 but is rank 4 for \'{{node conv3d_transpose}} = Conv3DBackpropInputV2[T=DT_FLOAT, Tshape=DT_INT32, data_format="NDHWC", dilations=[1, 1, 1, 1, 1], padding="SAME", strides=[1, 1, 1, 1, 1]](conv3d_transpose/input_sizes, feeds_1, feeds)\' with input shapes: [4], [2,2,2,3,2], [1,4,4,4,2].'),  # conv3d_transpose on xla/eigen
        ('ValueError', '`output_shape` must be of length 3, 4 or 5. Received: output_shape=[4, 3] of length 2.'),  # conv_transpose on eager/eigen
        ('ValueError', '`output_shape` must have shape (4,). Received: output_shape=(3,)'),  # atrous_conv2d_transpose on eager/eigen
        ('ValueError', '`output_shape` must have shape (4,). Received: output_shape=(3,)'),  # atrous_conv2d_transpose on function/eigen
    ),
    'output-shape-channels': (
        ('InvalidArgumentError', '{{function_node __wrapped__Conv2DBackpropInput_device_/job:localhost/replica:0/task:0/device:CPU:0}} Conv2DCustomBackpropInput: input depth must be evenly divisible by filter depth [Op:Conv2DBackpropInput]'),  # conv2d_transpose on eager/eigen
        ('InvalidArgumentError', '{{function_node __wrapped____MklNativeConv3DBackpropInputV2_device_/job:localhost/replica:0/task:0/device:CPU:0}} input and filter must have the same depth: 1 vs 3 [Op:Conv3DBackpropInputV2]'),  # conv3d_transpose on eager/onednn
        ('InvalidArgumentError', '{{function_node __wrapped__Conv3DBackpropInputV2_device_/job:localhost/replica:0/task:0/device:CPU:0}} input and filter_sizes must have the same number of channels. Got 1 for input and 3 for filter_sizes [Op:Conv3DBackpropInputV2]'),  # conv3d_transpose on eager/eigen
        ('ValueError', '`output_shape` channel count must be compatible with `filters` output channel count. Received: output_shape=[1, 4, 4, 2] with channel count 2 and filters.shape=(2, 2, 3, 2) with output channel count 2.'),  # atrous_conv2d_transpose on eager/eigen
        ('ValueError', '`output_shape` channel count must be compatible with `filters` output channel count. Received: output_shape=[1, 4, 4, 2] with channel count 2 and filters.shape=(2, 2, 3, 2) with output channel count 2.'),  # atrous_conv2d_transpose on function/eigen
        ('ValueError', '`output_shape` channel count must be compatible with `filters` output channel count. Received: output_shape=[1, 4, 4, 2] with channel count 2 and filters.shape=(2, 2, 3, 2) with output channel count 2.'),  # atrous_conv2d_transpose on xla/eigen
    ),
    'output-shape-batch': (
        ('InvalidArgumentError', '{{function_node __wrapped__Conv2DBackpropInput_device_/job:localhost/replica:0/task:0/device:CPU:0}} Conv2DCustomBackpropInput: input and out_backprop must have the same batch size. Input batch: 2, outbackprop batch: 1, batch_dim: 0 [Op:Conv2DBackpropInput]'),  # conv2d_transpose on eager/eigen
        ('ValueError', 'Dimensions must be equal, but are 2 and 1 for \'{{node conv2d_transpose}} = Conv2DBackpropInput[T=DT_FLOAT, data_format="NHWC", dilations=[1, 1, 1, 1], explicit_paddings=[], padding="SAME", strides=[1, 1, 1, 1], use_cudnn_on_gpu=true](conv2d_transpose/input_sizes, feeds_1, feeds)\' with input shapes: [4], [2,2,3,2], [1,4,4,2] and with input tensors computed as partial shapes: input[0] = [2,4,4,3].'),  # conv2d_transpose on xla/eigen
        ('ValueError', 'Dimensions must be equal, but are 2 and 1 for \'{{node conv2d_transpose}} = Conv2DBackpropInput[T=DT_FLOAT, data_format="NHWC", dilations=[1, 1, 1, 1], explicit_paddings=[], padding="SAME", strides=[1, 1, 1, 1], use_cudnn_on_gpu=true](conv2d_transpose/input_sizes, feeds_1, feeds)\' with input shapes: [4], [2,2,3,2], [1,4,4,2] and with input tensors computed as partial shapes: input[0] = [2,4,4,3].'),  # conv2d_transpose on function/eigen
    ),
    'output-shape-negative': (
        ('InvalidArgumentError', '{{function_node __wrapped__Conv2DBackpropInput_device_/job:localhost/replica:0/task:0/device:CPU:0}} Dimension -4 must be >= 0 [Op:Conv2DBackpropInput]'),  # conv2d_transpose on eager/eigen
        ('ValueError', 'Invalid value in tensor used for shape: -4'),  # conv2d_transpose on xla/eigen
        ('ValueError', 'Invalid value in tensor used for shape: -4'),  # conv2d_transpose on function/eigen
    ),
    'output-shape-mismatch': (
        ('InvalidArgumentError', "{{function_node __wrapped__Conv2DBackpropInput_device_/job:localhost/replica:0/task:0/device:CPU:0}} Conv2DCustomBackpropInput: Size of out_backprop doesn't match computed: actual = 4, computed = 5 spatial_dim: 1 input: 5 filter: 2 output: 4 stride: 1 dilation: 1 [Op:Conv2DBackpropInput]"),  # conv2d_transpose on eager/eigen
        ('InvalidArgumentError', 'Graph execution error:\n\nDetected at node conv_transpose defined at (most recent call last):\n  File "<frozen runpy>", line 198, in _run_module_as_main\n\n  File "<frozen runpy>", line 88, in _run_code\n\n  File "/work/main/harness/worker.py", line 153, in <module>\n\n  File "/work/main/harness/worker.py", line 147, in main\n\n  File "/work/main/harness/worker.py", line 122, in run\n\n  File "/work/main/harness/worker.py", line 69, in program\n\n  File "/work/main/harness/worker.py", line 58, in forward\n\nConv3DBackpropInputOp: Size of out_backprop doesn\'t match computed: actual = 3, computed = 4 spatial_dim: 1 input: 7 filter: 5 output: 3 stride: 2 dilation: 1\n\t [[{{node conv_transpose}}]] [Op:__inference_program_8343]'),  # conv_transpose on function/onednn
        ('InvalidArgumentError', 'Conv2DBackpropInput: Size of out_backprop doesn\'t match computed: actual = 2, computed = 3 spatial_dim: 1 input: 9 filter: 2 output: 2 stride: 3 dilation: 1\n\nStack trace for op definition: \nFile "<frozen runpy>", line 198, in _run_module_as_main\nFile "<frozen runpy>", line 88, in _run_code\nFile "/work/main/harness/worker.py", line 189, in <module>\nFile "/work/main/harness/worker.py", line 183, in main\nFile "/work/main/harness/worker.py", line 157, in run\nFile "/work/main/harness/worker.py", line 104, in program\nFile "/work/main/harness/worker.py", line 93, in forward\n\n\t [[{{node conv_transpose}}]]\n\ttf2xla conversion failed while converting __inference_program_9[_XlaMustCompile=true,config_proto=13561319589895757934,executor_type=11160318154034397263]. Run with TF_DUMP_GRAPH_PREFIX=/path/to/dump/dir and --vmodule=xla_compiler=2 to obtain a dump of the compiled functions. [Op:__inference_program_9]'),  # conv_transpose on xla/eigen
    ),
    'window-shape-length': (
        ('ValueError', '`len(window_shape)` must be 1, 2, or 3. Received: window_shape=[2, 2, 2, 2] of length 4'),  # pool on eager/eigen
        ('ValueError', '`len(window_shape)` must be 1, 2, or 3. Received: window_shape=[2, 2, 2, 2] of length 4'),  # pool on function/eigen
        ('ValueError', '`len(window_shape)` must be 1, 2, or 3. Received: window_shape=[2, 2, 2, 2] of length 4'),  # pool on xla/eigen
    ),
    'pool-same-dilations': (
        ('ValueError', "pooling with 'SAME' padding is not implemented for `dilation_rate` > 1. Received: padding=SAME and dilation_rate=[3]"),  # pool on eager/eigen
        ('ValueError', "pooling with 'SAME' padding is not implemented for `dilation_rate` > 1. Received: padding=SAME and dilation_rate=[3]"),  # pool on function/onednn
        ('ValueError', "pooling with 'SAME' padding is not implemented for `dilation_rate` > 1. Received: padding=SAME and dilation_rate=[3]"),  # pool on xla/eigen
    ),
    'pool-strides-window': (
        ('ValueError', '`strides` > `window_shape` not supported due to inconsistency between CPU and GPU implementations. Received: strides=[2] and window_shape=[1]'),  # pool on eager/eigen
        ('ValueError', '`strides` > `window_shape` not supported due to inconsistency between CPU and GPU implementations. Received: strides=[2] and window_shape=[1]'),  # pool on function/onednn
        ('ValueError', '`strides` > `window_shape` not supported due to inconsistency between CPU and GPU implementations. Received: strides=[2] and window_shape=[1]'),  # pool on xla/eigen
    ),
    'pooling-type': (
        ('ValueError', '2-D MIN pooling is not supported.'),  # pool on eager/eigen
        ('ValueError', '2-D MIN pooling is not supported.'),  # pool on function/eigen
        ('ValueError', '2-D MIN pooling is not supported.'),  # pool on xla/eigen
    ),
    'argmax-data-format': (
        ('ValueError', "`data_format` values other  than 'NHWC' are not supported. Received: data_format=NCHW"),  # max_pool_with_argmax on eager/eigen
        ('ValueError', "`data_format` values other  than 'NHWC' are not supported. Received: data_format=NCHW"),  # max_pool_with_argmax on function/eigen
        ('ValueError', "`data_format` values other  than 'NHWC' are not supported. Received: data_format=NCHW"),  # max_pool_with_argmax on xla/eigen
    ),
    'argmax-output-dtype': (
        ('InvalidArgumentError', 'Value for attr \'Targmax\' of float is not in the list of allowed values: int32, int64\n\t; NodeDef: {{node MaxPoolWithArgmax}}; Op<name=MaxPoolWithArgmax; signature=input:T -> output:T, argmax:Targmax; attr=ksize:list(int),min=4; attr=strides:list(int),min=4; attr=Targmax:type,default=DT_INT64,allowed=[DT_INT32, DT_INT64]; attr=padding:string,allowed=["SAME", "VALID"]; attr=include_batch_in_index:bool,default=false; attr=T:type,allowed=[DT_FLOAT, DT_DOUBLE, DT_INT32, DT_UINT8, DT_INT16, DT_INT8, DT_INT64, DT_BFLOAT16, DT_UINT16, DT_HALF, DT_UINT32, DT_UINT64]> [Op:MaxPoolWithArgmax] name: '),  # max_pool_with_argmax on eager/eigen
        ('TypeError', "Value passed to parameter 'Targmax' has DataType int16 not in list of allowed values: int32, int64"),  # max_pool_with_argmax on xla/eigen
        ('TypeError', "Value passed to parameter 'Targmax' has DataType int16 not in list of allowed values: int32, int64"),  # max_pool_with_argmax on function/eigen
    ),
    'no-gradient': (
        ('LookupError', 'gradient registry has no entry for: MaxPoolGradGradV2'),  # MaxPoolGradGrad-as-forward on eager/onednn
        ('LookupError', 'gradient registry has no entry for: MaxPoolGradGradV2'),  # MaxPoolGradGrad-as-forward on function/onednn
    ),
    'morphology-data-format': (
        ('ValueError', "`data_format` values other  than 'NHWC' are not supported. Received: data_format=NCHW"),  # dilation2d on eager/eigen
        ('ValueError', "`data_format` values other  than 'NHWC' are not supported. Received: data_format=NCHW"),  # erosion2d on function/eigen
        ('ValueError', "`data_format` values other  than 'NHWC' are not supported. Received: data_format=NCHW"),  # dilation2d on xla/onednn
    ),
    'depth-pool-spatial': (
        ('UnimplementedError', '{{function_node __wrapped__MaxPool_device_/job:localhost/replica:0/task:0/device:CPU:0}} MaxPooling supports exactly one of pooling across depth or pooling across width/height. [Op:MaxPool] name: '),  # max_pool2d on eager/eigen
        ('UnimplementedError', '{{function_node __inference_<lambda>_183}} MaxPooling supports exactly one of pooling across depth or pooling across width/height.\n\t [[{{node MaxPool2d}}]] [Op:__inference_<lambda>_183]'),  # max_pool2d on function/onednn
    ),
    'depth-pool-divides-depth': (
        ('UnimplementedError', '{{function_node __wrapped__MaxPool_device_/job:localhost/replica:0/task:0/device:CPU:0}} Depthwise max pooling requires the depth window to evenly divide the input depth [Op:MaxPool] name: '),  # max_pool2d on eager/onednn
        ('UnimplementedError', '{{function_node __inference_<lambda>_155}} Depthwise max pooling requires the depth window to evenly divide the input depth\n\t [[{{node MaxPool2d}}]] [Op:__inference_<lambda>_155]'),  # max_pool2d on function/eigen
        ('UnimplementedError', '{{function_node __wrapped__MaxPool_device_/job:localhost/replica:0/task:0/device:CPU:0}} Depthwise max pooling requires the depth window to evenly divide the input depth [Op:MaxPool] name: '),  # max_pool2d on eager/eigen
    ),
    'depth-pool-stride': (
        ('UnimplementedError', '{{function_node __wrapped__MaxPool_device_/job:localhost/replica:0/task:0/device:CPU:0}} Depthwise max pooling requires the depth window to equal the depth stride [Op:MaxPool] name: '),  # max_pool2d on eager/eigen
        ('UnimplementedError', '{{function_node __inference_<lambda>_169}} Depthwise max pooling requires the depth window to equal the depth stride\n\t [[{{node MaxPool2d}}]] [Op:__inference_<lambda>_169]'),  # max_pool2d on function/onednn
    ),
    'depth-pool-explicit-padding': (
        ('UnimplementedError', '{{function_node __wrapped__MaxPool_device_/job:localhost/replica:0/task:0/device:CPU:0}} Depthwise max pooling does not support explicit padding. [Op:MaxPool] name: '),  # max_pool2d on eager/eigen
        ('UnimplementedError', '{{function_node __inference_<lambda>_197}} Depthwise max pooling does not support explicit padding.\n\t [[{{node MaxPool2d}}]] [Op:__inference_<lambda>_197]'),  # max_pool2d on function/eigen
    ),
    'dilated-window-overflow': (
        ('InvalidArgumentError', '{{function_node __wrapped__SpaceToBatchND_device_/job:localhost/replica:0/task:0/device:CPU:0}} Paddings must be non-negative [Op:SpaceToBatchND] name: '),  # atrous_conv2d on eager/eigen
        ('ValueError', "paddings cannot be negative for '{{node convolution/SpaceToBatchND}} = SpaceToBatchND[T=DT_FLOAT, Tblock_shape=DT_INT32, Tpaddings=DT_INT32](a, convolution/SpaceToBatchND/block_shape, convolution/SpaceToBatchND/paddings)' with input shapes: [1,5,6,3], [2], [2,2] and with computed input tensors: input[1] = <2147483647 2147483647>, input[2] = <[1073741823 -1073741828][1073741823 -1073741829]>."),  # atrous_conv2d on function/onednn
        ('ValueError', "paddings cannot be negative for '{{node convolution/SpaceToBatchND}} = SpaceToBatchND[T=DT_FLOAT, Tblock_shape=DT_INT32, Tpaddings=DT_INT32](a, convolution/SpaceToBatchND/block_shape, convolution/SpaceToBatchND/paddings)' with input shapes: [1,5,6,3], [2], [2,2] and with computed input tensors: input[1] = <2147483647 2147483647>, input[2] = <[1073741823 -1073741828][1073741823 -1073741829]>."),  # convolution on xla/eigen
        ('ValueError', "paddings cannot be negative for '{{node depthwise/SpaceToBatchND}} = SpaceToBatchND[T=DT_FLOAT, Tblock_shape=DT_INT32, Tpaddings=DT_INT32](a, depthwise/SpaceToBatchND/block_shape, depthwise/SpaceToBatchND/paddings)' with input shapes: [1,5,6,3], [2], [2,2] and with computed input tensors: input[1] = <2147483647 2147483647>, input[2] = <[1073741823 -1073741828][1073741823 -1073741829]>."),  # depthwise_conv2d on function/eigen
        ('InvalidArgumentError', '{{function_node __wrapped__SpaceToBatchND_device_/job:localhost/replica:0/task:0/device:CPU:0}} Paddings must be non-negative [Op:SpaceToBatchND] name: '),  # separable_conv2d on eager/onednn
    ),
}

NO_RULE = (
    ('InvalidArgumentError', '{{function_node __wrapped__MaxPool_device_/job:localhost/replica:0/task:0/device:CPU:0}} Default MaxPoolingOp only supports NHWC on device type CPU [Op:MaxPool]'),  # pool on eager/eigen, the reference: negative-output-size
    ('UnimplementedError', 'XLA does not support pooling ops with explicit padding.\n\t [[{{node MaxPool2d}}]]\n\ttf2xla conversion failed while converting __inference_program_35[_XlaMustCompile=true,config_proto=13561319589895757934,executor_type=11160318154034397263]. Run with TF_DUMP_GRAPH_PREFIX=/path/to/dump/dir and --vmodule=xla_compiler=2 to obtain a dump of the compiled functions. [Op:__inference_program_35]'),  # max_pool on xla/eigen, the reference: pool-padding-too-large
    ('InvalidArgumentError', '{{function_node __wrapped__DepthwiseConv2dNative_device_/job:localhost/replica:0/task:0/device:CPU:0}} Current implementation only supports equal length strides in the row and column dimensions. [Op:DepthwiseConv2dNative] name: '),  # depthwise_conv2d on eager/eigen, the reference: strides-not-positive
    ('AbortedError', '{{function_node __wrapped____MklNativeConv2D_device_/job:localhost/replica:0/task:0/device:CPU:0}} Operation received an exception:Status: 2, message: could not create a primitive descriptor for the convolution forward propagation primitive. Run workload with environment variable ONEDNN_VERBOSE=all to get additional diagnostic information., in file tensorflow/core/kernels/mkl/mkl_conv_ops.cc:1112 [Op:Conv2D] name: '),  # conv2d on eager/onednn, the reference: explicit-padding-negative
    ('ZeroDivisionError', 'integer modulo by zero'),  # atrous_conv2d on eager/eigen, the reference: filter-depth-zero
    ('InvalidArgumentError', '{{function_node __wrapped__MaxPoolWithArgmax_device_/job:localhost/replica:0/task:0/device:CPU:0}} tensor_in must not be empty (2) [Op:MaxPoolWithArgmax] name: '),  # max_pool_with_argmax on eager/eigen, the reference: negative-output-size
    ('InvalidArgumentError', '{{function_node __wrapped__Conv2DBackpropInput_device_/job:localhost/replica:0/task:0/device:CPU:0}} Conv2DCustomBackpropInputOp only supports NHWC. [Op:Conv2DBackpropInput]'),  # conv2d_transpose on eager/eigen, the reference: output-shape-mismatch
    ('InvalidArgumentError', '{{function_node __wrapped__Conv2DBackpropInput_device_/job:localhost/replica:0/task:0/device:CPU:0}} Current CPU implementations do not yet support dilation rates larger than 1. [Op:Conv2DBackpropInput]'),  # conv2d_transpose on eager/eigen, the reference: dilations-not-positive
    ('InternalError', '{{function_node __wrapped__Conv2DBackpropInput_device_/job:localhost/replica:0/task:0/device:CPU:0}} Failed to call dnnl_sgemm. Error code: 2 [Op:Conv2DBackpropInput]'),  # atrous_conv2d_transpose on eager/eigen, the reference: window-zero
    ('InvalidArgumentError', '{{function_node __wrapped__SpaceToBatchND_device_/job:localhost/replica:0/task:0/device:CPU:0}} padded_shape[0]=2 is not divisible by block_shape[0]=4 [Op:SpaceToBatchND]'),  # atrous_conv2d_transpose on eager/eigen, the reference: output-shape-mismatch
    ('InvalidArgumentError', '{{function_node __wrapped__Conv3D_device_/job:localhost/replica:0/task:0/device:CPU:0}} CPU implementation of Conv3D currently only supports dilated rates of 1. [Op:Conv3D] name: '),  # conv3d on eager/eigen, the reference: channel-mismatch
)


def _sample_ids():
    return [(rule, i) for rule, samples in SAMPLES.items() for i in range(len(samples))]


def test_every_rule_has_patterns_and_samples():
    assert set(TF_PATTERNS) == set(RULES) == set(SAMPLES)
    for rule, patterns in TF_PATTERNS.items():
        assert patterns, rule
        for pattern in patterns:
            re.compile(pattern)


@pytest.mark.parametrize("rule,index", _sample_ids(), ids=[f"{r}-{i}" for r, i in _sample_ids()])
def test_sample_agrees_with_its_rule_only(rule, index):
    error_type, message = SAMPLES[rule][index]
    assert agrees(rule, error_type, message)
    others = {other for other in TF_PATTERNS if other != rule and agrees(other, error_type, message)}
    if others:
        shared = [rules for wording, rules, _ in SHARED if wording in message]
        assert shared and others | {rule} <= shared[0], f"{rule} sample also agrees with {sorted(others)}"


def test_every_pattern_matches_a_sample_of_its_rule():
    """No pattern is a guess: each matched a real message of its rule."""
    for rule, patterns in TF_PATTERNS.items():
        for pattern in patterns:
            hits = [m for _, m in SAMPLES[rule] if re.search(pattern, m, re.M)]
            assert hits, f"{rule}: {pattern!r} matches none of its samples"


@pytest.mark.parametrize("error_type,message", NO_RULE)
def test_tf_reasons_of_its_own_agree_with_no_rule(error_type, message):
    assert [rule for rule in TF_PATTERNS if agrees(rule, error_type, message)] == []


def test_only_user_facing_errors_agree():
    """The right words in an internal error (or a crash's message) are still a failure."""
    message = SAMPLES["negative-output-size"][0][1]
    assert agrees("negative-output-size", SAMPLES["negative-output-size"][0][0], message)
    for error_type in ("AbortedError", "InternalError", "ZeroDivisionError", None):
        assert error_type not in ERROR_TYPES
        assert not agrees("negative-output-size", error_type, message)


def test_another_rule_is_disagreement():
    """TF reporting a different rule than the reference (both broken, or TF checks first) disagrees:
    a dtype rejection is not a negative output size, a negative output size not a zero window."""
    dtype = SAMPLES["dtype-not-accepted"][0]
    negative = SAMPLES["negative-output-size"][0]
    assert not agrees("negative-output-size", *dtype)
    assert not agrees("window-zero", *negative) and not agrees("ksize-not-positive", *negative)
    with pytest.raises(KeyError):
        agrees("no-such-rule", *negative)


def test_importing_rules_stays_light():
    """The judge imports harness.verdict.rules: it must not pull in TensorFlow (nor numpy)."""
    code = "import sys, harness.verdict.rules; print(sorted(m for m in ('tensorflow', 'numpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == "[]"

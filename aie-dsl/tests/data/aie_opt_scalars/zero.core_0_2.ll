; ModuleID = 'LLVMDialectModule'
source_filename = "LLVMDialectModule"
target triple = "aie2"

@fc = global [8 x i8] c"\00\01\FF\22\\\7F\80\0A"
@fb = global [2 x [4 x bfloat]] [[4 x bfloat] [bfloat 0xR3F00, bfloat 0xRC040, bfloat 0xR7FC0, bfloat 0xR7F80], [4 x bfloat] [bfloat 0xR000B, bfloat 0xR3DCD, bfloat 0xR8000, bfloat 0xR40E0]]
@fa = global [8 x float] [float 0x3FB99999A0000000, float -1.500000e+00, float 0x7FF8000000000000, float 0x7FF0000000000000, float -0.000000e+00, float 0x37A16C2000000000, float 0x47EC363CC0000000, float 0x4132D68700000000]
@in_cons_buff_1 = external global [16 x i32]
@in_cons_buff_0 = external global [16 x i32]
@out_buff_1 = external global [16 x i32]
@out_buff_0 = external global [16 x i32]

declare void @debug_i32(i32)

; Unknown intrinsic
declare void @llvm.aie2.event(i32)

; Unknown intrinsic
declare void @llvm.aie2.put.ms(i32, i32)

; Unknown intrinsic
declare { i32, i32 } @llvm.aie2.get.ss()

; Unknown intrinsic
declare void @llvm.aie2.mcd.write.vec(<16 x i32>, i32)

; Unknown intrinsic
declare <16 x i32> @llvm.aie2.scd.read.vec(i32)

; Unknown intrinsic
declare void @llvm.aie2.acquire(i32, i32)

; Unknown intrinsic
declare void @llvm.aie2.release(i32, i32)

; Unknown intrinsic
declare void @llvm.aie2.set.ctrl.reg(i32, i32)

declare void @k(ptr, ptr, ptr, ptr, ptr, float, bfloat)

define void @core_0_2() {
  br label %1

1:                                                ; preds = %4, %0
  %2 = phi i64 [ %5, %4 ], [ 0, %0 ]
  %3 = icmp slt i64 %2, 9223372036854775806
  br i1 %3, label %4, label %6

4:                                                ; preds = %1
  call void @llvm.aie2.acquire(i32 50, i32 -1)
  call void @llvm.aie2.acquire(i32 49, i32 -1)
  call void @k(ptr @in_cons_buff_0, ptr @out_buff_0, ptr @fa, ptr @fb, ptr @fc, float -0.000000e+00, bfloat 0xR8000)
  call void @llvm.aie2.release(i32 48, i32 1)
  call void @llvm.aie2.release(i32 51, i32 1)
  call void @llvm.aie2.acquire(i32 50, i32 -1)
  call void @llvm.aie2.acquire(i32 49, i32 -1)
  call void @k(ptr @in_cons_buff_1, ptr @out_buff_1, ptr @fa, ptr @fb, ptr @fc, float -0.000000e+00, bfloat 0xR8000)
  call void @llvm.aie2.release(i32 48, i32 1)
  call void @llvm.aie2.release(i32 51, i32 1)
  %5 = add i64 %2, 2
  br label %1

6:                                                ; preds = %1
  call void @llvm.aie2.acquire(i32 50, i32 -1)
  call void @llvm.aie2.acquire(i32 49, i32 -1)
  call void @k(ptr @in_cons_buff_0, ptr @out_buff_0, ptr @fa, ptr @fb, ptr @fc, float -0.000000e+00, bfloat 0xR8000)
  call void @llvm.aie2.release(i32 48, i32 1)
  call void @llvm.aie2.release(i32 51, i32 1)
  ret void
}

!llvm.module.flags = !{!0}

!0 = !{i32 2, !"Debug Info Version", i32 3}

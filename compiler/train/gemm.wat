;; tinyrnn training kernel in WebAssembly SIMD (the source of gemm-wasm.ts; rebuild with
;;   wat2wasm compiler/train/gemm.wat -o - | base64 -w0   and paste into gemm-wasm.ts).
;;
;; C (M, N) = [bias (N)] + A (M, K) times Bt (K, N), all f64, row-major in this module's memory.
;; M and N are multiples of 4 (the caller pads with zeros). Blocks of 4 rows x 4 columns: 8 f64x2
;; accumulators; per k, 4 scalar loads of A (splat) and 2 vector loads of Bt feed 16 multiply-adds.
;; Every entry is summed in k order starting from its bias, one IEEE multiply and one add per
;; term (no fused multiply-add), so the results equal the scalar JavaScript kernel bit for bit.
(module
  (memory (export "memory") 1)
  (func (export "gemm") (param $M i32) (param $N i32) (param $K i32) (param $a i32) (param $b i32) (param $c i32) (param $bias i32) (param $useBias i32)
    (local $m i32) (local $n i32) (local $k i32)
    (local $pa0 i32) (local $pa1 i32) (local $pa2 i32) (local $pa3 i32) (local $pb i32) (local $pc i32)
    (local $rowB i32) (local $rowA i32) (local $rowC i32)
    (local $v0 v128) (local $v1 v128) (local $x v128) (local $i0 v128) (local $i1 v128)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local.set $rowB (i32.shl (local.get $N) (i32.const 3)))
    (local.set $rowA (i32.shl (local.get $K) (i32.const 3)))
    (local.set $rowC (local.get $rowB))
    (local.set $m (i32.const 0))
    (block $mdone
      (loop $mloop
        (br_if $mdone (i32.ge_u (local.get $m) (local.get $M)))
        (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $m) (local.get $rowA))))
        (local.set $pa1 (i32.add (local.get $pa0) (local.get $rowA)))
        (local.set $pa2 (i32.add (local.get $pa1) (local.get $rowA)))
        (local.set $pa3 (i32.add (local.get $pa2) (local.get $rowA)))
        (local.set $n (i32.const 0))
        (block $ndone
          (loop $nloop
            (br_if $ndone (i32.ge_u (local.get $n) (local.get $N)))
            (if (local.get $useBias)
              (then
                (local.set $i0 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $n) (i32.const 3)))))
                (local.set $i1 (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $n) (i32.const 3))))))
              (else
                (local.set $i0 (v128.const f64x2 0 0))
                (local.set $i1 (v128.const f64x2 0 0))))
            (local.set $s00 (local.get $i0)) (local.set $s01 (local.get $i1))
            (local.set $s10 (local.get $i0)) (local.set $s11 (local.get $i1))
            (local.set $s20 (local.get $i0)) (local.set $s21 (local.get $i1))
            (local.set $s30 (local.get $i0)) (local.set $s31 (local.get $i1))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $n) (i32.const 3))))
            (local.set $k (i32.const 0))
            (block $kdone
              (loop $kloop
                (br_if $kdone (i32.ge_u (local.get $k) (local.get $K)))
                (local.set $v0 (v128.load (local.get $pb)))
                (local.set $v1 (v128.load offset=16 (local.get $pb)))
                (local.set $x (f64x2.splat (f64.load (i32.add (local.get $pa0) (i32.shl (local.get $k) (i32.const 3))))))
                (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $x) (local.get $v0))))
                (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x) (local.get $v1))))
                (local.set $x (f64x2.splat (f64.load (i32.add (local.get $pa1) (i32.shl (local.get $k) (i32.const 3))))))
                (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $x) (local.get $v0))))
                (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $x) (local.get $v1))))
                (local.set $x (f64x2.splat (f64.load (i32.add (local.get $pa2) (i32.shl (local.get $k) (i32.const 3))))))
                (local.set $s20 (f64x2.add (local.get $s20) (f64x2.mul (local.get $x) (local.get $v0))))
                (local.set $s21 (f64x2.add (local.get $s21) (f64x2.mul (local.get $x) (local.get $v1))))
                (local.set $x (f64x2.splat (f64.load (i32.add (local.get $pa3) (i32.shl (local.get $k) (i32.const 3))))))
                (local.set $s30 (f64x2.add (local.get $s30) (f64x2.mul (local.get $x) (local.get $v0))))
                (local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $x) (local.get $v1))))
                (local.set $pb (i32.add (local.get $pb) (local.get $rowB)))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $kloop)))
            (local.set $pc (i32.add (local.get $c) (i32.add (i32.mul (local.get $m) (local.get $rowC)) (i32.shl (local.get $n) (i32.const 3)))))
            (v128.store (local.get $pc) (local.get $s00))
            (v128.store offset=16 (local.get $pc) (local.get $s01))
            (local.set $pc (i32.add (local.get $pc) (local.get $rowC)))
            (v128.store (local.get $pc) (local.get $s10))
            (v128.store offset=16 (local.get $pc) (local.get $s11))
            (local.set $pc (i32.add (local.get $pc) (local.get $rowC)))
            (v128.store (local.get $pc) (local.get $s20))
            (v128.store offset=16 (local.get $pc) (local.get $s21))
            (local.set $pc (i32.add (local.get $pc) (local.get $rowC)))
            (v128.store (local.get $pc) (local.get $s30))
            (v128.store offset=16 (local.get $pc) (local.get $s31))
            (local.set $n (i32.add (local.get $n) (i32.const 4)))
            (br $nloop)))
        (local.set $m (i32.add (local.get $m) (i32.const 4)))
        (br $mloop)))))

"""The GPU bench script's parts that run without a GPU: its arguments, which modes it can run where,
and its loop on the CPU (eager and bf16 autocast; the graph and compile modes then report why not),
also ResNet50's training and inference rows at a tiny size (64x64 images, batch 2: seconds).

    cd scripts/pytorch && /usr/bin/python3 -m unittest test_bench_mnist_gpu
"""
import contextlib
import io
import json
import os
import unittest
import unittest.mock

import torch

import bench_mnist_gpu

DIGITS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "samples", "src", "main",
                      "resources", "dev", "annonet", "samples", "mnist")


class ArgumentsTest(unittest.TestCase):
    def test_defaults_time_every_mode_at_both_batch_sizes(self):
        args = bench_mnist_gpu.parse_arguments(["data"])
        self.assertEqual([128, 1024], args.batches)
        self.assertEqual(list(bench_mnist_gpu.MODES), args.modes)
        self.assertEqual("mlp", args.model)

    def test_rejects_unknown_modes_and_bad_batch_sizes(self):
        for argv in (["data", "--modes", "eager,fast"], ["data", "--batches", "128,x"], ["data", "--batches", "0"],
                     ["data", "--model", "gru"], ["data", "--modes", "eager tf32"], [],
                     ["--model", "resnet50", "--batches", "128,64"], ["--model", "resnet50", "--steps", "0"]):
            with self.subTest(argv=argv), contextlib.redirect_stderr(io.StringIO()) as err:
                with self.assertRaises(SystemExit):
                    bench_mnist_gpu.parse_arguments(argv)
                self.assertIn("error:", err.getvalue())

    def test_resnet50_needs_no_digits_and_trains_at_128_in_five_modes(self):
        args = bench_mnist_gpu.parse_arguments(["--model", "resnet50"])
        self.assertEqual([128], args.batches)
        self.assertEqual(["eager", "eager tf32", "eager bf16", "cuda graph", "compile"], args.modes)
        self.assertEqual((3, 8, 224, 64), (args.epochs, args.steps, args.image_size, args.infer_batch))


class CpuRunTest(unittest.TestCase):
    def setUp(self):
        self.previous = bench_mnist_gpu.DEVICE
        bench_mnist_gpu.DEVICE = "cpu"

    def tearDown(self):
        bench_mnist_gpu.DEVICE = self.previous

    def test_graphs_need_cuda_and_compile_needs_pytorch_2(self):
        self.assertEqual("CUDA graphs need a CUDA device", bench_mnist_gpu.mode_problem("cuda graph"))
        self.assertIsNone(bench_mnist_gpu.mode_problem("eager"))
        self.assertIsNone(bench_mnist_gpu.mode_problem("eager bf16"))
        self.assertEqual(hasattr(torch, "compile"), bench_mnist_gpu.mode_problem("compile") is None)

    def test_each_network_reads_its_own_layout(self):
        images = torch.zeros(3, 784)
        cnn = bench_mnist_gpu.sample_layout("cnn", images)
        self.assertEqual((3, 1, 28, 28), tuple(cnn.shape))
        self.assertTrue(cnn.is_contiguous(memory_format=torch.channels_last))
        self.assertEqual((3, 28, 28), tuple(bench_mnist_gpu.sample_layout("lstm", images).shape))
        self.assertEqual((3, 784), tuple(bench_mnist_gpu.sample_layout("mlp", images).shape))

    def test_main_prints_a_row_per_runnable_mode_and_a_reason_for_the_others(self):
        out = io.StringIO()
        argv = ["bench_mnist_gpu.py", DIGITS, "--device", "cpu", "--epochs", "1", "--batches", "2000"]
        with unittest.mock.patch("sys.argv", argv), contextlib.redirect_stdout(out):
            bench_mnist_gpu.main()
        lines = [json.loads(line) for line in out.getvalue().splitlines()]
        by_mode = {line["mode"]: line for line in lines[:-1]}
        self.assertGreater(by_mode["eager"]["step_us"], 0)
        self.assertGreater(by_mode["eager bf16"]["step_us"], 0)
        self.assertIn("error", by_mode["cuda graph"])
        if not hasattr(torch, "compile"):
            self.assertIn("error", by_mode["compile"])
        self.assertEqual("pytorch %s on cpu" % torch.__version__, lines[-1]["engine"])
        self.assertEqual(["eager", "eager bf16"] + (["compile"] if "step_us" in by_mode["compile"] else []),
                         [row["mode"] for row in lines[-1]["results"]])

    def test_resnet50_prints_training_and_inference_per_mode_and_why_a_mode_cannot_run(self):
        out = io.StringIO()
        argv = ["bench_mnist_gpu.py", "--model", "resnet50", "--device", "cpu", "--epochs", "1", "--steps", "1",
                "--batches", "2", "--image-size", "64", "--infer-batch", "2", "--latency-calls", "1", "--seconds", "0.01"]
        with unittest.mock.patch("sys.argv", argv), contextlib.redirect_stdout(out):
            bench_mnist_gpu.main()
        lines = [json.loads(line) for line in out.getvalue().splitlines()]
        by_mode = {line["mode"]: line for line in lines[:-1]}
        self.assertEqual(["eager", "eager tf32", "eager bf16", "cuda graph", "compile"], list(by_mode))
        for mode in ("eager", "eager tf32", "eager bf16"):
            row = by_mode[mode]
            self.assertEqual((2, 2), (row["train_batch"], row["infer_batch"]))
            for key in ("train_images_per_second", "infer_ms_at_1", "infer_images_per_second"):
                self.assertGreater(row[key], 0, mode + " " + key)
        self.assertEqual("CUDA graphs need a CUDA device", by_mode["cuda graph"]["error"])
        self.assertEqual("pytorch %s on cpu" % torch.__version__, lines[-1]["engine"])


if __name__ == "__main__":
    unittest.main()

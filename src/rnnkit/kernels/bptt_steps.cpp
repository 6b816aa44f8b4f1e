// The element-wise work of one LSTM or GRU step, forward and backward, each in one pass over the
// batch: what rnnkit.cells.lstm / rnnkit.cells.gru compute with a dozen torch operations per step
// (their docstrings hold the equations; tests/test_kernels.py checks these against them).
//
// Every tensor is (batch, features) with unit stride along the features; rows may be strided
// (x_proj[:, t] of a (B, T, G*H) tensor). Built by rnnkit.kernels with -O3 -ffast-math so that the
// loops vectorise, exp and tanh included (glibc's vector maths).

#include <torch/extension.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace {

template <typename scalar_t>
inline scalar_t sigmoid(scalar_t x) {
  // exp(-x) stays finite: the clamp changes sigmoid only below 1e-38 (float) / 1e-304 (double)
  const scalar_t lowest = sizeof(scalar_t) == 4 ? scalar_t(-87) : scalar_t(-700);
  return scalar_t(1) / (scalar_t(1) + std::exp(-std::max(x, lowest)));
}

void check_rows(const at::Tensor& t, int64_t batch, int64_t features, const char* name) {
  TORCH_CHECK(t.dim() == 2 && t.size(0) == batch && t.size(1) == features, name, " must be (", batch, ", ",
              features, "), got ", t.sizes());
  TORCH_CHECK(t.stride(1) == 1 || features == 1, name, " must have unit stride along its features");
  TORCH_CHECK(t.device().is_cpu(), name, " must be on the CPU");
}

// float or double (a function, not AT_DISPATCH: a #pragma cannot sit inside a macro's arguments)
template <typename Body>
void dispatch(at::ScalarType type, const char* name, Body&& body) {
  if (type == at::kFloat) {
    body(float{});
  } else if (type == at::kDouble) {
    body(double{});
  } else {
    TORCH_CHECK(false, name, ": float32 or float64 tensors expected, got ", type);
  }
}

}  // namespace

// gates = x_proj_t + rec_t (B, 4H), blocks i, f, g, o
// returns h_t, c_t, activated = [σ(i); σ(f); tanh(g); σ(o)], tanh(c_t)
std::vector<at::Tensor> lstm_step_forward(const at::Tensor& x_proj, const at::Tensor& rec, const at::Tensor& c_prev) {
  const int64_t B = c_prev.size(0), H = c_prev.size(1);
  check_rows(x_proj, B, 4 * H, "x_proj_t");
  check_rows(rec, B, 4 * H, "rec_t");
  check_rows(c_prev, B, H, "c_prev");
  auto h = at::empty({B, H}, c_prev.options());
  auto c = at::empty({B, H}, c_prev.options());
  auto activated = at::empty({B, 4 * H}, c_prev.options());
  auto tanh_c = at::empty({B, H}, c_prev.options());
  dispatch(c_prev.scalar_type(), "lstm_step_forward", [&](auto tag) {
    using scalar_t = decltype(tag);
    const scalar_t* xp = x_proj.data_ptr<scalar_t>();
    const scalar_t* rp = rec.data_ptr<scalar_t>();
    const scalar_t* cp = c_prev.data_ptr<scalar_t>();
    scalar_t *hp = h.data_ptr<scalar_t>(), *cn = c.data_ptr<scalar_t>();
    scalar_t *ap = activated.data_ptr<scalar_t>(), *tp = tanh_c.data_ptr<scalar_t>();
    const int64_t xs = x_proj.stride(0), rs = rec.stride(0), cs = c_prev.stride(0);
    {  // one thread: the pass is microseconds; the products around it use the threads
      const int64_t begin = 0, end = B;
      for (int64_t b = begin; b < end; ++b) {
        const scalar_t* x = xp + b * xs;
        const scalar_t* r = rp + b * rs;
        const scalar_t* c0 = cp + b * cs;
        scalar_t* a = ap + b * 4 * H;
#pragma omp simd
        for (int64_t j = 0; j < H; ++j) {
          const scalar_t i = sigmoid(x[j] + r[j]);
          const scalar_t f = sigmoid(x[H + j] + r[H + j]);
          const scalar_t g = std::tanh(x[2 * H + j] + r[2 * H + j]);
          const scalar_t o = sigmoid(x[3 * H + j] + r[3 * H + j]);
          const scalar_t c1 = f * c0[j] + i * g;
          const scalar_t tc = std::tanh(c1);
          a[j] = i;
          a[H + j] = f;
          a[2 * H + j] = g;
          a[3 * H + j] = o;
          cn[b * H + j] = c1;
          tp[b * H + j] = tc;
          hp[b * H + j] = o * tc;
        }
      }
    }
  });
  return {h, c, activated, tanh_c};
}

// returns ∂gates (B, 4H) (pre-activations) and ∂c_{t-1}, from ∂h_t and ∂c_t
std::vector<at::Tensor> lstm_step_backward(const at::Tensor& activated, const at::Tensor& c_prev,
                                           const at::Tensor& tanh_c, const at::Tensor& d_h, const at::Tensor& d_c) {
  const int64_t B = c_prev.size(0), H = c_prev.size(1);
  check_rows(activated, B, 4 * H, "activated");
  check_rows(c_prev, B, H, "c_prev");
  check_rows(tanh_c, B, H, "tanh_c");
  check_rows(d_h, B, H, "d_h");
  check_rows(d_c, B, H, "d_c");
  auto d_gates = at::empty({B, 4 * H}, c_prev.options());
  auto d_c_prev = at::empty({B, H}, c_prev.options());
  dispatch(c_prev.scalar_type(), "lstm_step_backward", [&](auto tag) {
    using scalar_t = decltype(tag);
    const scalar_t *ap = activated.data_ptr<scalar_t>(), *cp = c_prev.data_ptr<scalar_t>();
    const scalar_t *tp = tanh_c.data_ptr<scalar_t>(), *dhp = d_h.data_ptr<scalar_t>();
    const scalar_t* dcp = d_c.data_ptr<scalar_t>();
    scalar_t *dg = d_gates.data_ptr<scalar_t>(), *dc0 = d_c_prev.data_ptr<scalar_t>();
    const int64_t as = activated.stride(0), cs = c_prev.stride(0), ts = tanh_c.stride(0);
    const int64_t hs = d_h.stride(0), ds = d_c.stride(0);
    {  // one thread: the pass is microseconds; the products around it use the threads
      const int64_t begin = 0, end = B;
      for (int64_t b = begin; b < end; ++b) {
        const scalar_t* a = ap + b * as;
        scalar_t* d = dg + b * 4 * H;
#pragma omp simd
        for (int64_t j = 0; j < H; ++j) {
          const scalar_t i = a[j], f = a[H + j], g = a[2 * H + j], o = a[3 * H + j];
          const scalar_t tc = tp[b * ts + j], dh = dhp[b * hs + j];
          const scalar_t dc = dcp[b * ds + j] + dh * o * (scalar_t(1) - tc * tc);
          d[j] = dc * g * i * (scalar_t(1) - i);
          d[H + j] = dc * cp[b * cs + j] * f * (scalar_t(1) - f);
          d[2 * H + j] = dc * i * (scalar_t(1) - g * g);
          d[3 * H + j] = dh * tc * o * (scalar_t(1) - o);
          dc0[b * H + j] = dc * f;
        }
      }
    }
  });
  return {d_gates, d_c_prev};
}

// x_proj_t, h_proj (B, 3H) blocks r, z, n (h_proj = W_hh h + b_hh); returns h_t, [r; z] (B, 2H), n
std::vector<at::Tensor> gru_step_forward(const at::Tensor& x_proj, const at::Tensor& h_proj, const at::Tensor& h_prev) {
  const int64_t B = h_prev.size(0), H = h_prev.size(1);
  check_rows(x_proj, B, 3 * H, "x_proj_t");
  check_rows(h_proj, B, 3 * H, "h_proj");
  check_rows(h_prev, B, H, "h_prev");
  auto h = at::empty({B, H}, h_prev.options());
  auto r_z = at::empty({B, 2 * H}, h_prev.options());
  auto n = at::empty({B, H}, h_prev.options());
  dispatch(h_prev.scalar_type(), "gru_step_forward", [&](auto tag) {
    using scalar_t = decltype(tag);
    const scalar_t *xp = x_proj.data_ptr<scalar_t>(), *up = h_proj.data_ptr<scalar_t>();
    const scalar_t* hp = h_prev.data_ptr<scalar_t>();
    scalar_t *hn = h.data_ptr<scalar_t>(), *rzp = r_z.data_ptr<scalar_t>(), *np = n.data_ptr<scalar_t>();
    const int64_t xs = x_proj.stride(0), us = h_proj.stride(0), hs = h_prev.stride(0);
    {  // one thread: the pass is microseconds; the products around it use the threads
      const int64_t begin = 0, end = B;
      for (int64_t b = begin; b < end; ++b) {
        const scalar_t *x = xp + b * xs, *u = up + b * us, *h0 = hp + b * hs;
#pragma omp simd
        for (int64_t j = 0; j < H; ++j) {
          const scalar_t r = sigmoid(x[j] + u[j]);
          const scalar_t z = sigmoid(x[H + j] + u[H + j]);
          const scalar_t c = std::tanh(x[2 * H + j] + r * u[2 * H + j]);
          rzp[b * 2 * H + j] = r;
          rzp[b * 2 * H + H + j] = z;
          np[b * H + j] = c;
          hn[b * H + j] = c + z * (h0[j] - c);
        }
      }
    }
  });
  return {h, r_z, n};
}

// returns ∂x_proj = [∂a_r; ∂a_z; ∂a_n], ∂h_proj = [∂a_r; ∂a_z; ∂h_n] (B, 3H) and ∂h_{t-1} direct
std::vector<at::Tensor> gru_step_backward(const at::Tensor& r_z, const at::Tensor& n, const at::Tensor& h_n,
                                          const at::Tensor& h_prev, const at::Tensor& d_h) {
  const int64_t B = h_prev.size(0), H = h_prev.size(1);
  check_rows(r_z, B, 2 * H, "r_z");
  check_rows(n, B, H, "n");
  check_rows(h_n, B, H, "h_n");
  check_rows(h_prev, B, H, "h_prev");
  check_rows(d_h, B, H, "d_h");
  auto d_x_proj = at::empty({B, 3 * H}, h_prev.options());
  auto d_h_proj = at::empty({B, 3 * H}, h_prev.options());
  auto d_h_prev = at::empty({B, H}, h_prev.options());
  dispatch(h_prev.scalar_type(), "gru_step_backward", [&](auto tag) {
    using scalar_t = decltype(tag);
    const scalar_t *rzp = r_z.data_ptr<scalar_t>(), *np = n.data_ptr<scalar_t>();
    const scalar_t *unp = h_n.data_ptr<scalar_t>(), *hp = h_prev.data_ptr<scalar_t>();
    const scalar_t* dhp = d_h.data_ptr<scalar_t>();
    scalar_t *dx = d_x_proj.data_ptr<scalar_t>(), *du = d_h_proj.data_ptr<scalar_t>();
    scalar_t* dh0 = d_h_prev.data_ptr<scalar_t>();
    const int64_t rs = r_z.stride(0), ns = n.stride(0), us = h_n.stride(0), hs = h_prev.stride(0);
    const int64_t ds = d_h.stride(0);
    {  // one thread: the pass is microseconds; the products around it use the threads
      const int64_t begin = 0, end = B;
      for (int64_t b = begin; b < end; ++b) {
#pragma omp simd
        for (int64_t j = 0; j < H; ++j) {
          const scalar_t r = rzp[b * rs + j], z = rzp[b * rs + H + j], c = np[b * ns + j];
          const scalar_t u = unp[b * us + j], h0 = hp[b * hs + j], dh = dhp[b * ds + j];
          const scalar_t d_a_n = dh * (scalar_t(1) - z) * (scalar_t(1) - c * c);
          const scalar_t d_a_r = d_a_n * u * r * (scalar_t(1) - r);
          const scalar_t d_a_z = dh * (h0 - c) * z * (scalar_t(1) - z);
          dx[b * 3 * H + j] = d_a_r;
          dx[b * 3 * H + H + j] = d_a_z;
          dx[b * 3 * H + 2 * H + j] = d_a_n;
          du[b * 3 * H + j] = d_a_r;
          du[b * 3 * H + H + j] = d_a_z;
          du[b * 3 * H + 2 * H + j] = d_a_n * r;
          dh0[b * H + j] = dh * z;
        }
      }
    }
  });
  return {d_x_proj, d_h_proj, d_h_prev};
}

PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {
  m.def("lstm_step_forward", &lstm_step_forward, "LSTM step, element-wise part (forward)");
  m.def("lstm_step_backward", &lstm_step_backward, "LSTM step, element-wise part (backward)");
  m.def("gru_step_forward", &gru_step_forward, "GRU step, element-wise part (forward)");
  m.def("gru_step_backward", &gru_step_backward, "GRU step, element-wise part (backward)");
}

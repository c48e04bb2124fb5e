/* Bonded AMBER terms as OpenMM applies them (REFERENCE.md §7.5.3):
 * harmonic bonds and angles, periodic proper and improper torsions. */
#include <math.h>

#include "potentials/amber_model.h"
#include "potentials/amber_simd.h"

static inline void sub3(const double *a, const double *b, double *d)
{
    d[0] = a[0] - b[0];
    d[1] = a[1] - b[1];
    d[2] = a[2] - b[2];
}

static inline double dot3(const double *a, const double *b)
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

static inline void axpy3(double s, const double *v, double *g)
{
    g[0] += s * v[0];
    g[1] += s * v[1];
    g[2] += s * v[2];
}

/* E = ½ k (r − r0)², dE/dx_i = k (r − r0) (x_i − x_j)/r. */
void amber_bonds(const amber_model *m, const double *x, double *grad,
                 double *e)
{
    double sum = 0.0;
    for (int b = 0; b < m->n_bonds; b++) {
        int i = m->bond_atoms[2 * b], j = m->bond_atoms[2 * b + 1];
        double d[3];
        sub3(x + 3 * i, x + 3 * j, d);
        double r = sqrt(dot3(d, d)), dr = r - m->bond_r0[b];
        sum += 0.5 * m->bond_k[b] * dr * dr;
        if (grad && r > 0) {
            double f = m->bond_k[b] * dr / r;
            axpy3(f, d, grad + 3 * i);
            axpy3(-f, d, grad + 3 * j);
        }
    }
    e[AMBER_BOND] += sum;
}

/* Positions of the atoms t0[0..n) and t1[0..n) in two lanes: p[a][c]. */
static inline void gather(const double *x, const int *t0, const int *t1,
                          int n, v2d (*p)[3])
{
    for (int a = 0; a < n; a++) {
        const double *x0 = x + 3 * t0[a], *x1 = x + 3 * t1[a];
        p[a][0] = (v2d){x0[0], x1[0]};
        p[a][1] = (v2d){x0[1], x1[1]};
        p[a][2] = (v2d){x0[2], x1[2]};
    }
}

/* grad[atom t[a]] += g[a] (lane `lane` of n atoms). */
static inline void scatter(double *grad, const int *t, int n, v2d (*g)[3],
                           int lane)
{
    for (int a = 0; a < n; a++) {
        double *ga = grad + 3 * t[a];
        ga[0] += g[a][0][lane];
        ga[1] += g[a][1][lane];
        ga[2] += g[a][2][lane];
    }
}

static inline v2d dot2(const v2d *a, const v2d *b)
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

static inline void cross2(const v2d *a, const v2d *b, v2d *c)
{
    c[0] = a[1] * b[2] - a[2] * b[1];
    c[1] = a[2] * b[0] - a[0] * b[2];
    c[2] = a[0] * b[1] - a[1] * b[0];
}

/* Angles a0 and a1 in two lanes (a1 < 0: padding lane, k = 0, no
 * scatter).  E = ½ k (θ − θ0)², θ = atan2(|u × v|, u·v) at vertex j with
 * u = x_i − x_j, v = x_k − x_j (accurate near 0 and π, unlike acos);
 * ∂θ/∂u = (u (u·v)/|u|² − v)/|u × v| = (cos θ û − v̂)/(|u| sin θ) (§7.5.3),
 * ∂θ/∂v likewise, ∂θ/∂x_j = −(∂θ/∂u + ∂θ/∂v).  A straight angle (u × v =
 * 0) has no direction: its gradient is left out. */
static inline void angle_two(const amber_model *m, const double *x,
                             double *grad, int a0, int a1, v2d *sum)
{
    const int *t0 = m->angle_atoms + 3 * a0;
    const int *t1 = m->angle_atoms + 3 * (a1 < 0 ? a0 : a1);
    v2d pos[3][3], u[3], v[3], w[3];
    gather(x, t0, t1, 3, pos);
    for (int c = 0; c < 3; c++) {
        u[c] = pos[0][c] - pos[1][c];
        v[c] = pos[2][c] - pos[1][c];
    }
    cross2(u, v, w);
    v2d c = dot2(u, v), wn = v2_sqrt(dot2(w, w));
    v2d k = {m->angle_k[a0], a1 < 0 ? 0.0 : m->angle_k[a1]};
    v2d theta0 = {m->angle_t0[a0], m->angle_t0[a1 < 0 ? a0 : a1]};
    v2d dtheta = amber_angle2(wn, c) - theta0;
    *sum += 0.5 * k * dtheta * dtheta;
    if (!grad)
        return;
    /* one division for 1/|w|, 1/|u|², 1/|v|² */
    v2d uu = dot2(u, u), vv = dot2(v, v);
    const v2d zero = {0.0, 0.0}, one = {1.0, 1.0};
    v2d den = wn * uu * vv;
    v2i ok = den > zero;
    v2d inv = 1.0 / v2_select(ok, den, one);
    v2d s = v2_select(ok, k * dtheta * uu * vv * inv, zero);
    v2d cu = c * wn * vv * inv, cv = c * wn * uu * inv;
    v2d g[3][3]; /* atoms i, j, k */
    for (int d = 0; d < 3; d++) {
        g[0][d] = s * (u[d] * cu - v[d]);
        g[2][d] = s * (v[d] * cv - u[d]);
        g[1][d] = -(g[0][d] + g[2][d]);
    }
    scatter(grad, t0, 3, g, 0);
    if (a1 >= 0)
        scatter(grad, t1, 3, g, 1);
}

void amber_angles(const amber_model *m, const double *x, double *grad,
                  double *e)
{
    v2d sum = {0.0, 0.0};
    int a = 0;
    for (; a + 1 < m->n_angles; a += 2)
        angle_two(m, x, grad, a, a + 1, &sum);
    if (a < m->n_angles)
        angle_two(m, x, grad, a, -1, &sum);
    e[AMBER_ANGLE] += sum[0] + sum[1];
}

/* E = Σ_terms k (1 + cos(nφ − δ)) with φ the IUPAC dihedral of i-j-k-l
 * (§7.5.2): b1 = x_j − x_i, b2 = x_k − x_j, b3 = x_l − x_k, n1 = b1 × b2,
 * n2 = b2 × b3, cos φ ∝ n1·n2, sin φ ∝ |b2| b1·n2.  Each quartet's terms
 * are summed into a Fourier series in cos nφ, sin nφ at setup
 * (amber_model.h), with cos δ and sin δ of the phase as written (§7.5.6);
 * cos nφ, sin nφ come from the complex recursion, so no trigonometric
 * call is made.
 * Gradient (§7.5.3, Blondel & Karplus 1996): ∂φ/∂x_i = −|b2| n1/|n1|²,
 * ∂φ/∂x_l = |b2| n2/|n2|², ∂φ/∂x_j = −(1 + p) ∂φ/∂x_i + q ∂φ/∂x_l,
 * ∂φ/∂x_k = −(1 + q) ∂φ/∂x_l + p ∂φ/∂x_i, p = b1·b2/|b2|²,
 * q = b3·b2/|b2|². */

/* Quartets q0 and q1 in two lanes (q1 < 0: padding lane, no terms, no
 * scatter); energies into sum[improper]. */
static inline void torsion_two(const amber_model *m, const double *x,
                               double *grad, int q0, int q1, double *sum)
{
    const int *t0 = m->quad_atoms + 4 * q0;
    const int *t1 = m->quad_atoms + 4 * (q1 < 0 ? q0 : q1);
    v2d pos[4][3], b1[3], b2[3], b3[3], n1[3], n2[3];
    gather(x, t0, t1, 4, pos);
    for (int c = 0; c < 3; c++) {
        b1[c] = pos[1][c] - pos[0][c];
        b2[c] = pos[2][c] - pos[1][c];
        b3[c] = pos[3][c] - pos[2][c];
    }
    cross2(b1, b2, n1);
    cross2(b2, b3, n2);
    const v2d zero = {0.0, 0.0}, one = {1.0, 1.0};
    v2d b2sq = dot2(b2, b2), b2n = v2_sqrt(b2sq);
    v2d cx = dot2(n1, n2), sx = b2n * dot2(b1, n2);
    v2d norm = v2_sqrt(cx * cx + sx * sx); /* |n1| |n2| */
    v2i ok = norm > zero;
    v2d inv_norm = 1.0 / v2_select(ok, norm, one);
    v2d c = v2_select(ok, cx * inv_norm, one);
    v2d s = v2_select(ok, sx * inv_norm, zero);
    /* the Fourier series of both quartets; cos nφ, sin nφ by the complex
     * recursion (cos φ + i sin φ)ⁿ */
    int stride = 2 * m->tors_nmax + 1;
    const double *k0 = m->quad_coef + (size_t)q0 * stride;
    const double *k1 = m->quad_coef + (size_t)(q1 < 0 ? m->n_quads : q1) *
                                          stride;
    int nmax = m->quad_nmax[q0];
    if (q1 >= 0 && m->quad_nmax[q1] > nmax)
        nmax = m->quad_nmax[q1];
    v2d energy = {k0[0], k1[0]}, de = zero, cn = c, sn = s;
    for (int n = 1; n <= nmax; n++) {
        int nb = m->tors_nmax + n;
        v2d a = {k0[n], k1[n]}, b = {k0[nb], k1[nb]};
        energy += a * cn + b * sn;
        de += (double)n * (b * cn - a * sn);
        v2d next = cn * c - sn * s;
        sn = sn * c + cn * s;
        cn = next;
    }
    sum[m->quad_improper[q0]] += energy[0];
    if (q1 >= 0)
        sum[m->quad_improper[q1]] += energy[1];
    if (!grad)
        return;
    /* one division for 1/|n1|², 1/|n2|², 1/|b2|²; a degenerate dihedral
     * (collinear atoms) has no direction and gets no gradient */
    v2d n1sq = dot2(n1, n1), n2sq = dot2(n2, n2);
    v2d den = n1sq * n2sq * b2sq;
    ok = den > zero;
    v2d inv = 1.0 / v2_select(ok, den, one);
    v2d dedphi = v2_select(ok, de, zero);
    v2d fi = -dedphi * b2n * n2sq * b2sq * inv;
    v2d fl = dedphi * b2n * n1sq * b2sq * inv;
    v2d p = dot2(b1, b2) * n1sq * n2sq * inv;
    v2d r = dot2(b3, b2) * n1sq * n2sq * inv;
    v2d g[4][3]; /* atoms i, j, k, l */
    for (int d = 0; d < 3; d++) {
        g[0][d] = fi * n1[d];
        g[3][d] = fl * n2[d];
        g[1][d] = -(1.0 + p) * g[0][d] + r * g[3][d];
        g[2][d] = -(1.0 + r) * g[3][d] + p * g[0][d];
    }
    scatter(grad, t0, 4, g, 0);
    if (q1 >= 0)
        scatter(grad, t1, 4, g, 1);
}

void amber_torsions(const amber_model *m, const double *x, double *grad,
                    double *e)
{
    double sum[2] = {0.0, 0.0};
    int q = 0;
    for (; q + 1 < m->n_quads; q += 2)
        torsion_two(m, x, grad, q, q + 1, sum);
    if (q < m->n_quads)
        torsion_two(m, x, grad, q, -1, sum);
    e[AMBER_TORSION_PROPER] += sum[0];
    e[AMBER_TORSION_IMPROPER] += sum[1];
}

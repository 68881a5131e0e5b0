// Eigen aliases used throughout marginlab.
//
// Matrices are column-major Eigen 3.4 types. Double precision is the default
// scalar; the float32 variants exist for the modules that offer a float32 path.
// Shapes follow ../docs/architecture.md: a data matrix X is n×d (one example per
// row), a weight matrix W_k is (out × in).
#pragma once

#include <Eigen/Dense>
#include <cstdint>

namespace marginlab {

using Index = Eigen::Index;

template <class T>
using MatrixT = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T>
using VectorT = Eigen::Matrix<T, Eigen::Dynamic, 1>;
template <class T>
using RowVectorT = Eigen::Matrix<T, 1, Eigen::Dynamic>;

using Matrix = MatrixT<double>;
using Vector = VectorT<double>;
using RowVector = RowVectorT<double>;
using MatrixF = MatrixT<float>;
using VectorF = VectorT<float>;
using IndexVector = Eigen::Matrix<Index, Eigen::Dynamic, 1>;
// A read-only view of a column-major double matrix with any outer stride: binds a Matrix, a
// Map of a caller's buffer (e.g. a Fortran-ordered numpy array) or a column block without a
// copy (an expression that does not fit is evaluated into a temporary by Eigen).
using ConstMatrixRef = Eigen::Ref<const Matrix>;

}  // namespace marginlab

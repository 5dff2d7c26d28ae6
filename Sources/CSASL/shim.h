#include <sasl/sasl.h>

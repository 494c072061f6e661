### BEGIN SOLUTION
p_x = "exp(-log(x/(1 - x))**2/2) / (sqrt(2*pi)*x*(1 - x))"
### END SOLUTION

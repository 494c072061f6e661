python -m hwlib train eurosat --bn --dropout 0.05 --epochs 20 --device cpu --num-threads 1
